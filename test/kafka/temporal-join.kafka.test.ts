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
import { type ChildInstance, kill, startChild, waitFor } from './child-instance.js';

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
    for (const topic of Object.values(topics)) await cluster.createTopic(topic, PARTITIONS);
    const data = temporalJoinData(ORDERS, 5);
    await producePrices(cluster, topics, data);
    const args = [kafkaBootstrap, name, topics.prices, topics.orders, topics.priced];
    const start = (id: string) => startChild(args, id, 'temporal-join-app.ts');
    const instances: ChildInstance[] = [start('a'), start('b')];
    const running = () =>
      waitFor(
        'both instances RUNNING',
        () => instances.every((i) => i.output.includes('STATE RUNNING')),
        90_000,
      );
    try {
      await running();
      const step = Math.ceil(ORDERS / (KILLS + 1));
      for (let batch = 0; batch <= KILLS; batch++) {
        await produceOrders(cluster, topics, data, batch * step, Math.min(ORDERS, (batch + 1) * step));
        if (batch === KILLS) break;
        await new Promise((r) => setTimeout(r, 200 + Math.random() * 500));
        const victim = batch % instances.length;
        const old = instances[victim]!;
        await kill(old);
        instances[victim] = start(old.id);
        await running();
      }
      expect(await awaitTemporalJoinModel(cluster, topics, data, 120_000)).toEqual([]);
      for (const i of instances) expect(i.output, `instance ${i.id} failed`).not.toContain('STATE ERROR');
    } catch (error) {
      for (const i of instances) console.log(`--- ${i.id}:\n${i.output.split('\n').slice(-40).join('\n')}`);
      throw error;
    } finally {
      await Promise.all(instances.map(kill));
      await cluster.close();
    }
  }, 300_000);
});
