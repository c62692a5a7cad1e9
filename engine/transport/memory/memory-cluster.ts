import { MemoryGroup } from './memory-group.js';
import { MemoryPartition } from './memory-partition.js';

const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/**
 * The embedded log behind `memory://NAME`: topics, consumer groups and transactional ids, shared
 * by every instance in the process that names the same cluster.
 */
export class MemoryCluster {
  private static readonly clusters = new Map<string, MemoryCluster>();

  static named(name: string): MemoryCluster {
    let cluster = MemoryCluster.clusters.get(name);
    if (!cluster) {
      cluster = new MemoryCluster(name);
      MemoryCluster.clusters.set(name, cluster);
    }
    return cluster;
  }

  /** Forgets a cluster and everything in it. */
  static drop(name: string): void {
    MemoryCluster.clusters.delete(name);
  }

  readonly topics = new Map<string, MemoryPartition[]>();
  /** The largest record (key, value and headers) each topic takes: its `max.message.bytes`. */
  private readonly maxMessageBytes = new Map<string, number>();
  private readonly groups = new Map<string, MemoryGroup>();
  private readonly producerEpochs = new Map<string, number>();
  private waiters: (() => void)[] = [];

  private constructor(readonly name: string) {}

  /** Creates a topic; of its configs, `max.message.bytes` is honoured (default 1048588, Kafka's). */
  createTopic(name: string, partitions: number, config: Readonly<Record<string, string>> = {}): void {
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new Error(
        `memory://${this.name}: topic ${name} needs a positive partition count, got ${partitions}`,
      );
    }
    if (this.topics.has(name)) return;
    const limit = config['max.message.bytes'];
    this.maxMessageBytes.set(name, limit === undefined ? DEFAULT_MAX_MESSAGE_BYTES : Number(limit));
    this.topics.set(
      name,
      Array.from({ length: partitions }, (_, p) => new MemoryPartition(name, p)),
    );
  }

  /** Why the topic refuses a record of this many bytes, or null when it takes it. */
  refusal(topic: string, bytes: number): string | null {
    const limit = this.maxMessageBytes.get(topic) ?? DEFAULT_MAX_MESSAGE_BYTES;
    return bytes > limit
      ? `Broker: Message size too large (a record of ${bytes} bytes; topic ${topic} takes at most ${limit}, max.message.bytes)`
      : null;
  }

  partitions(topic: string): MemoryPartition[] {
    const partitions = this.topics.get(topic);
    if (!partitions) {
      throw new Error(
        `memory://${this.name}: topic ${topic} does not exist; create it first (EmbeddedLog.createTopic)`,
      );
    }
    return partitions;
  }

  partition(topic: string, partition: number): MemoryPartition {
    const p = this.partitions(topic)[partition];
    if (!p) throw new Error(`memory://${this.name}: topic ${topic} has no partition ${partition}`);
    return p;
  }

  group(groupId: string): MemoryGroup {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new MemoryGroup(
        groupId,
        (topic) => this.partitions(topic).length,
        () => this.notify(),
      );
      this.groups.set(groupId, group);
    }
    return group;
  }

  /** initTransactions: a new epoch for the id fences every older producer that used it. */
  bumpProducerEpoch(transactionalId: string): number {
    const epoch = (this.producerEpochs.get(transactionalId) ?? -1) + 1;
    this.producerEpochs.set(transactionalId, epoch);
    return epoch;
  }

  producerEpoch(transactionalId: string): number | undefined {
    return this.producerEpochs.get(transactionalId);
  }

  /** Resolves when something readable may have changed (appends, commits, rebalances), or after `timeoutMs`. */
  waitForChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  notify(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
