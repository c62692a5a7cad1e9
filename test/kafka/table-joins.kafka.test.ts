import { it } from 'vitest';
import {
  awaitTableJoinModel,
  PARTITIONS,
  produceHistory,
  tableJoinHistory,
} from '../scenarios/table-joins.js';
import { kafkaCluster } from '../scenarios/test-cluster.js';
import { describeKafka, kafkaBootstrap, uniqueName } from './broker-context.js';
import { withKills } from './child-instance.js';

const UPDATES = 6_000;
const KILLS = 2;

// The same scenario as engine/runtime/tests/table-joins-scenario.test.ts, on the broker, with kill -9
// of an instance between input batches: the foreign-key join's subscription store and both joins'
// tables are rebuilt from their changelogs, and the final tables still equal the model.
describeKafka('table joins scenario on the broker under kill -9', () => {
  it(`exactly_once_v2: ${KILLS} kill -9 of one of 2 instances; foreign-key and table-table join results equal the model`, async () => {
    const cluster = kafkaCluster(kafkaBootstrap);
    const name = uniqueName('table-joins');
    const topics = {
      orders: `${name}-orders`,
      customers: `${name}-customers`,
      shipments: `${name}-shipments`,
      withCustomer: `${name}-with-customer`,
      withShipment: `${name}-with-shipment`,
    };
    try {
      for (const topic of Object.values(topics)) await cluster.createTopic(topic, PARTITIONS);
      const model = tableJoinHistory(UPDATES, 11);
      const step = Math.ceil(UPDATES / (KILLS + 1));
      await withKills({
        args: [kafkaBootstrap, name, ...Object.values(topics)],
        app: 'table-joins-app.ts',
        ids: ['a', 'b'],
        kills: KILLS,
        produceBatch: (batch) =>
          produceHistory(cluster, topics, model.history, batch * step, Math.min(UPDATES, (batch + 1) * step)),
        killAfterMs: () => 200 + Math.random() * 500,
        finish: () => awaitTableJoinModel(cluster, topics, model, 120_000),
      });
    } finally {
      await cluster.close();
    }
  }, 300_000);
});
