import type { KafkaStreams } from 'rivulet';
import { describe, expect, it } from 'vitest';
import {
  awaitTemporalJoinModel,
  PARTITIONS,
  produceOrders,
  producePrices,
  temporalJoinData,
  temporalJoinInstance,
} from '../../../test/scenarios/temporal-join.js';
import { memoryCluster } from '../../../test/scenarios/test-cluster.js';

const ORDERS = 2_000;

// test/kafka/temporal-join.kafka.test.ts runs the same scenario on a real broker with kill -9.
describe('temporal join scenario on memory:// (stream joined with a versioned table)', () => {
  it('exactly_once_v2, 3 instances, one stopped and restarted mid-stream: each order priced as of its time, exactly once', async () => {
    const cluster = memoryCluster(`temporal-${Date.now()}`);
    const topics = { prices: 'prices', orders: 'orders', priced: 'priced' };
    for (const topic of Object.values(topics)) await cluster.createTopic(topic, PARTITIONS);
    const data = temporalJoinData(ORDERS, 3);
    const running = new Map<string, KafkaStreams>();
    const start = async (id: string) => {
      const instance = temporalJoinInstance(
        cluster.bootstrapServers,
        'temporal',
        id,
        topics,
        'exactly_once_v2',
      );
      running.set(id, instance);
      await instance.start();
    };
    try {
      await producePrices(cluster, topics, data);
      for (const id of ['a', 'b', 'c']) await start(id);
      await produceOrders(cluster, topics, data, 0, ORDERS / 2);
      await new Promise((r) => setTimeout(r, 300));
      await running.get('b')!.close();
      await start('b');
      await produceOrders(cluster, topics, data, ORDERS / 2, ORDERS);
      expect(await awaitTemporalJoinModel(cluster, topics, data, 60_000)).toEqual([]);
    } finally {
      await Promise.all([...running.values()].map((s) => s.close()));
      await cluster.close();
    }
  }, 120_000);
});
