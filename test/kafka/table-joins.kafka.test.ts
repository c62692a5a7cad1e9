import { expect, it } from 'vitest';
import {
  awaitTableJoinModel,
  PARTITIONS,
  produceHistory,
  tableJoinHistory,
} from '../scenarios/table-joins.js';
import { kafkaCluster } from '../scenarios/test-cluster.js';
import { describeKafka, kafkaBootstrap, uniqueName } from './broker-context.js';
import { type ChildInstance, kill, startChild, waitFor } from './child-instance.js';

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
    for (const topic of Object.values(topics)) await cluster.createTopic(topic, PARTITIONS);
    const model = tableJoinHistory(UPDATES, 11);
    const args = [kafkaBootstrap, name, ...Object.values(topics)];
    const start = (id: string) => startChild(args, id, 'table-joins-app.ts');
    const instances: ChildInstance[] = [start('a'), start('b')];
    const running = () =>
      waitFor(
        'both instances RUNNING',
        () => instances.every((i) => i.output.includes('STATE RUNNING')),
        90_000,
      );
    try {
      await running();
      const step = Math.ceil(UPDATES / (KILLS + 1));
      for (let batch = 0; batch <= KILLS; batch++) {
        await produceHistory(
          cluster,
          topics,
          model.history,
          batch * step,
          Math.min(UPDATES, (batch + 1) * step),
        );
        if (batch === KILLS) break;
        await new Promise((r) => setTimeout(r, 200 + Math.random() * 500));
        const victim = batch % instances.length;
        const old = instances[victim]!;
        await kill(old);
        instances[victim] = start(old.id);
        await running();
      }
      await awaitTableJoinModel(cluster, topics, model, 120_000);
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
