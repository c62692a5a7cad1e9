import { describe, expect, it } from 'vitest';
import { TaskMigratedError } from '../../errors.js';
import type { RebalanceListener, TopicPartition } from '../ports.js';
import { MemoryCluster } from './memory-cluster.js';
import { MemoryTransport } from './memory-transport.js';

const buf = (s: string) => Buffer.from(s);
let n = 0;
const fresh = () => {
  const name = `transport-test-${n++}-${Date.now()}`;
  const transport = new MemoryTransport(name);
  return { transport, cluster: MemoryCluster.named(name) };
};

function recordingListener(log: string[]): RebalanceListener & { owned: TopicPartition[] } {
  const listener = {
    owned: [] as TopicPartition[],
    async onPartitionsRevoked(tps: readonly TopicPartition[]) {
      log.push(`revoked ${tps.length}`);
      listener.owned = [];
    },
    async onPartitionsAssigned(tps: readonly TopicPartition[]) {
      log.push(`assigned ${tps.map((t) => t.partition).join(',')}`);
      listener.owned = [...tps];
    },
  };
  return listener;
}

describe('embedded transport', () => {
  it('hides open and aborted transactions from read_committed consumers', async () => {
    const { transport, cluster } = fresh();
    cluster.createTopic('t', 1);
    const producer = transport.producer({ clientId: 'p', transactionalId: 'tx' });
    await producer.initTransactions();
    producer.beginTransaction();
    producer.send('t', 0, null, buf('aborted'), [], 1);
    await producer.abortTransaction();
    producer.beginTransaction();
    producer.send('t', 0, null, buf('committed'), [], 2);
    const reader = transport.consumer({ clientId: 'r', isolationLevel: 'read_committed' });
    reader.assign([{ topic: 't', partition: 0, offset: 0 }]);
    expect(await reader.poll(10, 0)).toEqual([]);
    expect((await reader.endOffsets([{ topic: 't', partition: 0 }]))[0]!.offset).toBe(1);
    await producer.commitTransaction();
    expect((await reader.poll(10, 0)).map((r) => r.value?.toString())).toEqual(['committed']);
    const uncommitted = transport.consumer({ clientId: 'u', isolationLevel: 'read_uncommitted' });
    uncommitted.assign([{ topic: 't', partition: 0, offset: 0 }]);
    expect((await uncommitted.poll(10, 0)).map((r) => r.value?.toString())).toEqual(['aborted', 'committed']);
  });

  it('fences a producer when a newer one inits the same transactional id', async () => {
    const { transport, cluster } = fresh();
    cluster.createTopic('t', 1);
    const old = transport.producer({ clientId: 'old', transactionalId: 'same' });
    await old.initTransactions();
    old.beginTransaction();
    old.send('t', 0, null, buf('zombie'), [], 1);
    const fresh2 = transport.producer({ clientId: 'new', transactionalId: 'same' });
    await fresh2.initTransactions();
    await expect(old.commitTransaction()).rejects.toBeInstanceOf(TaskMigratedError);
    const reader = transport.consumer({ clientId: 'r', isolationLevel: 'read_committed' });
    reader.assign([{ topic: 't', partition: 0, offset: 0 }]);
    expect(await reader.poll(10, 0)).toEqual([]);
  });

  it('range-assigns partitions, rebalances on join and leave, and refuses commits of a stale generation', async () => {
    const { transport, cluster } = fresh();
    cluster.createTopic('a', 4);
    cluster.createTopic('b', 4);
    const log1: string[] = [];
    const c1 = transport.consumer({
      clientId: 'c1',
      groupId: 'g',
      groupInstanceId: 'i1',
      isolationLevel: 'read_committed',
    });
    const l1 = recordingListener(log1);
    c1.subscribe(['a', 'b'], l1);
    await c1.poll(10, 0);
    expect(l1.owned).toHaveLength(8);
    const staleGeneration = c1.groupMetadata();

    const c2 = transport.consumer({
      clientId: 'c2',
      groupId: 'g',
      groupInstanceId: 'i2',
      isolationLevel: 'read_committed',
    });
    const l2 = recordingListener([]);
    c2.subscribe(['a', 'b'], l2);
    await c1.poll(10, 0); // c1 revokes and rejoins
    await c2.poll(10, 0); // c2 joins: the round completes
    await c1.poll(10, 0);
    // Range: partitions 0,1 of both topics to i1; 2,3 of both to i2 (co-partitioned).
    expect(l1.owned.map((t) => `${t.topic}${t.partition}`).sort()).toEqual(['a0', 'a1', 'b0', 'b1']);
    expect(l2.owned.map((t) => `${t.topic}${t.partition}`).sort()).toEqual(['a2', 'a3', 'b2', 'b3']);
    expect(log1).toEqual(['assigned 0,1,2,3,0,1,2,3', 'revoked 8', 'assigned 0,1,0,1']);

    const producer = transport.producer({ clientId: 'p', transactionalId: 'tx-g' });
    await producer.initTransactions();
    producer.beginTransaction();
    await producer.sendOffsetsToTransaction([{ topic: 'a', partition: 0, offset: 5 }], staleGeneration);
    await expect(producer.commitTransaction()).rejects.toThrow(/not in the current generation/);
    await expect(c1.commit([{ topic: 'a', partition: 0, offset: 1 }])).resolves.toBeUndefined();

    await c2.close();
    await c1.poll(10, 0);
    await c1.poll(10, 0);
    expect(l1.owned).toHaveLength(8);
    expect((await c1.committed([{ topic: 'a', partition: 0 }]))[0]!.offset).toBe(1);
  });

  it('pause stops fetching a partition until resume', async () => {
    const { transport, cluster } = fresh();
    cluster.createTopic('t', 2);
    const producer = transport.producer({ clientId: 'p' });
    for (const p of [0, 1]) producer.send('t', p, null, buf(`v${p}`), [], 1);
    const reader = transport.consumer({ clientId: 'r', isolationLevel: 'read_uncommitted' });
    reader.assign([
      { topic: 't', partition: 0, offset: 0 },
      { topic: 't', partition: 1, offset: 0 },
    ]);
    reader.pause([{ topic: 't', partition: 0 }]);
    expect((await reader.poll(10, 0)).map((r) => r.partition)).toEqual([1]);
    expect(await reader.poll(10, 0)).toEqual([]);
    reader.resume([{ topic: 't', partition: 0 }]);
    expect((await reader.poll(10, 0)).map((r) => r.partition)).toEqual([0]);
  });
});
