import { expect, it } from 'vitest';
import {
  awaitOrderPaymentModel,
  inputCount,
  PARTITIONS,
  produceOrderPayments,
  tick,
} from '../scenarios/order-payment.js';
import { kafkaCluster } from '../scenarios/test-cluster.js';
import { describeKafka, kafkaBootstrap, uniqueName } from './broker-context.js';
import { type ChildInstance, kill, startChild, waitFor } from './child-instance.js';

const ORDERS = 600;
const KILLS = 2;

// The same scenario as engine/runtime/tests/order-payment-scenario.test.ts, on the broker, with
// kill -9 of an instance between input batches: under exactly_once_v2 the join's results (paid,
// or unpaid once the window closed) and the suppressed final windows appear exactly once each.
describeKafka('order-payment scenario on the broker under kill -9', () => {
  it(`exactly_once_v2: ${KILLS} kill -9 of one of 2 instances; every join result and final window exactly once`, async () => {
    const cluster = kafkaCluster(kafkaBootstrap);
    const name = uniqueName('order-payment');
    const topics = {
      orders: `${name}-orders`,
      payments: `${name}-payments`,
      joined: `${name}-joined`,
      final: `${name}-final`,
    };
    for (const topic of Object.values(topics)) await cluster.createTopic(topic, PARTITIONS);
    const args = [kafkaBootstrap, name, topics.orders, topics.payments, topics.joined, topics.final];
    const start = (id: string) => startChild(args, id, 'order-payment-app.ts');
    const instances: ChildInstance[] = [start('a'), start('b')];
    const running = () =>
      waitFor(
        'both instances RUNNING',
        () => instances.every((i) => i.output.includes('STATE RUNNING')),
        90_000,
      );
    try {
      await running();
      const total = inputCount(ORDERS);
      const step = Math.ceil(total / (KILLS + 1));
      for (let batch = 0; batch <= KILLS; batch++) {
        await produceOrderPayments(
          cluster,
          topics,
          ORDERS,
          batch * step,
          Math.min(total, (batch + 1) * step),
        );
        if (batch === KILLS) break;
        await new Promise((r) => setTimeout(r, 1_000 + Math.random() * 1_000));
        const victim = batch % instances.length;
        const old = instances[victim]!;
        await kill(old);
        instances[victim] = start(old.id);
        await running();
      }
      await new Promise((r) => setTimeout(r, 2_000));
      await tick(cluster, topics);
      await awaitOrderPaymentModel(cluster, topics, ORDERS, 120_000);
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
