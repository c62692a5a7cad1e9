import { describe, expect, inject, it } from 'vitest';
import { KafkaAdmin } from '../../engine/transport/kafka/admin.js';
import { uniqueName } from './broker-context.js';
import { type LocalCluster, startLocalCluster } from './local-cluster.js';

// Its own 3-node cluster from kafka-cluster/start.sh --brokers 3 (global-setup fails CI if it cannot).
const localClusterAvailable = inject('kafkaLocalClusterAvailable') || process.env.CI === 'true';

describe.skipIf(!localClusterAvailable)('kafka-cluster/start.sh --brokers 3', () => {
  it('brings up three brokers that host a replication-factor-3 topic', async () => {
    let cluster: LocalCluster | undefined;
    let admin: KafkaAdmin | undefined;
    try {
      cluster = await startLocalCluster(3);
      expect(cluster.bootstrap.split(',')).toHaveLength(3);
      admin = new KafkaAdmin(cluster.bootstrap);
      const topic = uniqueName('rf3');
      await admin.createTopics([
        { name: topic, partitions: 3, replicationFactor: 3, config: { 'min.insync.replicas': '2' } },
      ]);
      const description = await admin.describeTopic(topic);
      expect(description.partitions).toHaveLength(3);
      for (const partition of description.partitions) {
        expect(partition.replicas.map((r) => r.id).sort()).toEqual([1, 2, 3]);
        expect(partition.isr).toHaveLength(3);
      }
    } finally {
      await admin?.close();
      await cluster?.stop();
    }
  });
});
