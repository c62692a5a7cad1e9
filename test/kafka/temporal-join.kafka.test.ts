import { expect, it } from 'vitest';
import {
  awaitTemporalJoinModel,
  PARTITIONS,
  produceOrders,
  producePrices,
  temporalJoinData,
} from '../scenarios/temporal-join.js';
import { kafkaCluster } from '../scenarios/test-cluster.js';
import { describeKafka, kafkaBootstrap, uniqueName } from './broker-context.js';
import { withKills } from './child-instance.js';

const ORDERS = 3_000;
const KILLS = 2;

// The same scenario as engine/runtime/tests/temporal-join-scenario.test.ts, on the broker, with
// kill -9 of an instance between batches of orders: the versioned table comes back from its
// changelog, and each order is priced as of its time, exactly once.
describeKafka('temporal join scenario on the broker under kill -9', () => {
  it(`exactly_once_v2: ${KILLS} kill -9 of one of 2 instances; every order priced as of its time, exactly once`, async () => {
    const cluster = kafkaCluster(kafkaBootstrap);
    const name = uniqueName('temporal');
    const topics = { prices: `${name}-prices`, orders: `${name}-orders`, priced: `${name}-priced` };
    try {
      for (const topic of Object.values(topics)) await cluster.createTopic(topic, PARTITIONS);
      const data = temporalJoinData(ORDERS, 5);
      await producePrices(cluster, topics, data);
      const step = Math.ceil(ORDERS / (KILLS + 1));
      await withKills({
        args: [kafkaBootstrap, name, topics.prices, topics.orders, topics.priced],
        app: 'temporal-join-app.ts',
        ids: ['a', 'b'],
        kills: KILLS,
        produceBatch: (batch) =>
          produceOrders(cluster, topics, data, batch * step, Math.min(ORDERS, (batch + 1) * step)),
        killAfterMs: () => 200 + Math.random() * 500,
        finish: async () => expect(await awaitTemporalJoinModel(cluster, topics, data, 120_000)).toEqual([]),
      });
    } finally {
      await cluster.close();
    }
  }, 300_000);
});
