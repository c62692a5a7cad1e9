import { tpKey } from '../../topic-partition.js';
import type {
  ConsumerConfig,
  ConsumerPort,
  ConsumerRecord,
  GroupMetadata,
  RebalanceListener,
  TopicPartition,
  TopicPartitionOffset,
} from '../ports.js';
import type { MemoryCluster } from './memory-cluster.js';

let nextMemberId = 0;

/**
 * A consumer of the embedded log. Group membership runs inside `poll()`, as with Kafka's
 * clients: revoke, rejoin, then take the new assignment, calling the listener for each step.
 */
export class MemoryConsumer implements ConsumerPort {
  private readonly memberId: string;
  private readonly readCommitted: boolean;
  private readonly positions = new Map<string, { tp: TopicPartition; offset: number }>();
  private readonly paused = new Set<string>();
  private listener: RebalanceListener | null = null;
  private topics: readonly string[] = [];
  /** Rotates which partition is read first, so a busy partition cannot starve the others. */
  private fetchStart = 0;
  private generation = -1;
  private closed = false;

  constructor(
    private readonly cluster: MemoryCluster,
    private readonly config: ConsumerConfig,
  ) {
    this.memberId = `${config.clientId}-${nextMemberId++}`;
    this.readCommitted = config.isolationLevel === 'read_committed';
  }

  subscribe(topics: readonly string[], listener: RebalanceListener): void {
    const groupId = this.requireGroup('subscribe');
    this.listener = listener;
    this.topics = [...topics];
    this.cluster.group(groupId).join(this.memberId, this.config.groupInstanceId ?? this.memberId, topics);
  }

  assign(partitions: readonly TopicPartitionOffset[]): void {
    this.positions.clear();
    for (const p of partitions)
      this.positions.set(tpKey(p), { tp: { topic: p.topic, partition: p.partition }, offset: p.offset });
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<ConsumerRecord[]> {
    this.checkOpen();
    await this.runGroupProtocol();
    let records = this.fetch(maxRecords);
    if (records.length === 0 && timeoutMs > 0) {
      await this.cluster.waitForChange(timeoutMs);
      await this.runGroupProtocol();
      records = this.fetch(maxRecords);
    }
    return records;
  }

  async seek(position: TopicPartitionOffset): Promise<void> {
    const entry = this.positions.get(tpKey(position));
    if (!entry)
      throw new Error(`seek: ${position.topic}-${position.partition} is not assigned to this consumer`);
    entry.offset = position.offset;
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.paused.add(tpKey(tp));
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.paused.delete(tpKey(tp));
  }

  caughtUp(tp: TopicPartition): boolean {
    const entry = this.positions.get(tpKey(tp));
    if (!entry) return false;
    const partition = this.cluster.partition(tp.topic, tp.partition);
    return entry.offset >= (this.readCommitted ? partition.lastStableOffset() : partition.endOffset());
  }

  position(tp: TopicPartition): number {
    const entry = this.positions.get(tpKey(tp));
    if (!entry) throw new Error(`position: ${tp.topic}-${tp.partition} is not assigned to this consumer`);
    return entry.offset;
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    const groupId = this.requireGroup('commit');
    this.cluster.group(groupId).commit(this.memberId, this.generation, offsets);
  }

  async committed(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    const group = this.cluster.group(this.requireGroup('committed'));
    return partitions.map((tp) => ({ ...tp, offset: group.committed(tp) ?? -1 }));
  }

  async endOffsets(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    return partitions.map((tp) => {
      const p = this.cluster.partition(tp.topic, tp.partition);
      return { ...tp, offset: this.readCommitted ? p.lastStableOffset() : p.endOffset() };
    });
  }

  groupMetadata(): GroupMetadata {
    return {
      groupId: this.requireGroup('groupMetadata'),
      generationId: this.generation,
      memberId: this.memberId,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.config.groupId) this.cluster.group(this.config.groupId).leave(this.memberId);
    this.positions.clear();
  }

  /** Revoke and rejoin when the group rebalances; take the new assignment when the round completes. */
  private async runGroupProtocol(): Promise<void> {
    if (!this.config.groupId || !this.listener) return;
    const group = this.cluster.group(this.config.groupId);
    if (!group.isMember(this.memberId)) {
      // Evicted or fenced: give everything up, then join again.
      await this.revokeAll();
      group.join(this.memberId, this.config.groupInstanceId ?? this.memberId, this.topics);
    }
    if (group.needsRejoin(this.memberId)) {
      await this.revokeAll();
      group.rejoin(this.memberId);
    }
    const assignment = group.takeAssignment(this.memberId);
    if (assignment) {
      this.generation = group.generation;
      for (const tp of assignment) this.positions.set(tpKey(tp), { tp, offset: group.committed(tp) ?? 0 });
      await this.listener.onPartitionsAssigned(assignment);
    }
  }

  private async revokeAll(): Promise<void> {
    if (this.positions.size === 0) return;
    const owned = [...this.positions.values()].map((p) => p.tp);
    await this.listener!.onPartitionsRevoked(owned);
    this.positions.clear();
    this.paused.clear();
  }

  private fetch(maxRecords: number): ConsumerRecord[] {
    const out: ConsumerRecord[] = [];
    const entries = [...this.positions.values()];
    for (let i = 0; i < entries.length && out.length < maxRecords; i++) {
      const entry = entries[(this.fetchStart + i) % entries.length]!;
      if (this.paused.has(tpKey(entry.tp))) continue;
      const partition = this.cluster.partition(entry.tp.topic, entry.tp.partition);
      entry.offset = partition.read(entry.offset, maxRecords, this.readCommitted, out);
    }
    this.fetchStart++;
    return out;
  }

  private requireGroup(call: string): string {
    if (!this.config.groupId) throw new Error(`${call}: consumer ${this.config.clientId} has no group id`);
    return this.config.groupId;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`consumer ${this.config.clientId} is closed`);
  }
}
