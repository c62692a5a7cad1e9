import type { KafkaStreams } from 'rivulet';
import { describe, it } from 'vitest';
import {
  awaitTableJoinModel,
  PARTITIONS,
  produceHistory,
  tableJoinHistory,
  tableJoinsInstance,
} from '../../../test/scenarios/table-joins.js';
import { memoryCluster } from '../../../test/scenarios/test-cluster.js';

const UPDATES = 3_000;

// test/kafka/table-joins.kafka.test.ts runs the same scenario on a real broker with kill -9.
describe('table joins scenario on memory:// (foreign-key left join, table-table join)', () => {
  for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    it(`${guarantee}: 3 instances, one stopped and restarted mid-stream: the final tables equal the model`, async () => {
      const cluster = memoryCluster(`table-joins-${guarantee}-${Date.now()}`);
      const topics = {
        orders: 'orders',
        customers: 'customers',
        shipments: 'shipments',
        withCustomer: 'with-customer',
        withShipment: 'with-shipment',
      };
      for (const topic of Object.values(topics)) await cluster.createTopic(topic, PARTITIONS);
      const model = tableJoinHistory(UPDATES, 7);
      const running = new Map<string, KafkaStreams>();
      const start = async (id: string) => {
        const instance = tableJoinsInstance(cluster.bootstrapServers, 'table-joins', id, topics, guarantee);
        running.set(id, instance);
        await instance.start();
      };
      try {
        for (const id of ['a', 'b', 'c']) await start(id);
        const third = Math.floor(UPDATES / 3);
        await produceHistory(cluster, topics, model.history, 0, third);
        await new Promise((r) => setTimeout(r, 500));
        // A clean stop moves b's tasks (and their subscription stores) to a and c; then it comes back.
        await running.get('b')!.close();
        await produceHistory(cluster, topics, model.history, third, 2 * third);
        await start('b');
        await produceHistory(cluster, topics, model.history, 2 * third, UPDATES);
        await awaitTableJoinModel(cluster, topics, model, 60_000);
      } finally {
        await Promise.all([...running.values()].map((s) => s.close()));
        await cluster.close();
      }
    }, 120_000);
  }
});
