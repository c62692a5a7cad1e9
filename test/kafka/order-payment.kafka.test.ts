import { it } from 'vitest';
import {
  awaitOrderPaymentModel,
  inputCount,
  PARTITIONS,
  produceOrderPayments,
  tick,
} from '../scenarios/order-payment.js';
import { kafkaCluster } from '../scenarios/test-cluster.js';
import { describeKafka, kafkaBootstrap, uniqueName } from './broker-context.js';
import { withKills } from './child-instance.js';

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
    try {
      for (const topic of Object.values(topics)) await cluster.createTopic(topic, PARTITIONS);
      const total = inputCount(ORDERS);
      const step = Math.ceil(total / (KILLS + 1));
      await withKills({
        args: [kafkaBootstrap, name, topics.orders, topics.payments, topics.joined, topics.final],
        app: 'order-payment-app.ts',
        ids: ['a', 'b'],
        kills: KILLS,
        produceBatch: (batch) =>
          produceOrderPayments(cluster, topics, ORDERS, batch * step, Math.min(total, (batch + 1) * step)),
        killAfterMs: () => 1_000 + Math.random() * 1_000,
        finish: async () => {
          await new Promise((r) => setTimeout(r, 2_000));
          await tick(cluster, topics);
          await awaitOrderPaymentModel(cluster, topics, ORDERS, 120_000);
        },
      });
    } finally {
      await cluster.close();
    }
  }, 300_000);
});
