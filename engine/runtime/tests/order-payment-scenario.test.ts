import type { KafkaStreams } from 'rivulet';
import { describe, it } from 'vitest';
import {
  awaitOrderPaymentModel,
  inputCount,
  PARTITIONS,
  produceOrderPayments,
  tick,
} from '../../../test/scenarios/order-payment.js';
import { orderPaymentInstance } from '../../../test/scenarios/order-payment-run.js';
import { memoryCluster } from '../../../test/scenarios/test-cluster.js';

const ORDERS = 600;

// test/kafka/order-payment.kafka.test.ts runs the same scenario on a real broker with kill -9.
describe('order-payment scenario on memory:// (stream-stream left join, suppressed final windows)', () => {
  it('3 instances, one stopped and restarted mid-stream, exactly_once_v2: the outputs equal the model exactly', async () => {
    const name = `order-payment-${Date.now()}`;
    const cluster = memoryCluster(name);
    const topics = { orders: 'orders', payments: 'payments', joined: 'joined', final: 'final' };
    for (const topic of Object.values(topics)) await cluster.createTopic(topic, PARTITIONS);
    const running = new Map<string, KafkaStreams>();
    const start = async (id: string) => {
      const instance = orderPaymentInstance(
        cluster.bootstrapServers,
        'order-payment',
        id,
        topics,
        'exactly_once_v2',
      );
      running.set(id, instance);
      await instance.start();
    };
    try {
      const total = inputCount(ORDERS);
      const half = Math.floor(total / 2);
      for (const id of ['a', 'b', 'c']) await start(id);
      await produceOrderPayments(cluster, topics, ORDERS, 0, half);
      await new Promise((r) => setTimeout(r, 1_500));
      // A clean stop moves b's tasks (and their join and buffer stores) to a and c; then it comes back.
      await running.get('b')!.close();
      await start('b');
      await produceOrderPayments(cluster, topics, ORDERS, half, total);
      await new Promise((r) => setTimeout(r, 1_000));
      await tick(cluster, topics);
      await awaitOrderPaymentModel(cluster, topics, ORDERS, 60_000);
    } finally {
      await Promise.all([...running.values()].map((s) => s.close()));
      await cluster.close();
    }
  }, 120_000);
});
