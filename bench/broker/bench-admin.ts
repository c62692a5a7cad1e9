import { callback, Kafka, type RdKafka } from './native.js';

const TIMEOUT_MS = 30_000;
const UNKNOWN_TOPIC = 3;
/** Per-partition errors that pass: unknown partition (just made), no leader, not the leader, timeout, no replica, stale epochs. */
const RETRIABLE = new Set([3, 5, 6, 7, 9, 74, 75]);

export interface BenchTopic {
  readonly name: string;
  readonly partitions: number;
  /** -1: the broker's default. */
  readonly replicationFactor: number;
  readonly config?: Readonly<Record<string, string>>;
}

/** Per partition: the first offset, and the end (the last stable offset for read_committed). */
export interface PartitionOffsets {
  readonly partition: number;
  readonly start: number;
  readonly end: number;
}

/**
 * The harness's topic setup and offset reads, on the client library's admin client. A failed call,
 * and any per-partition error in an answer, rejects naming what was asked; created topics are
 * waited for until the cluster describes them.
 */
export class BenchAdmin {
  private readonly client: RdKafka.IAdminClient;
  private readonly readers = new Map<string, Promise<RdKafka.KafkaConsumer>>();

  constructor(private readonly bootstrap: string) {
    this.client = Kafka.AdminClient.create({ 'bootstrap.servers': bootstrap, 'client.id': 'bench-admin' });
  }

  listTopics(): Promise<string[]> {
    return callback('listing topics', (cb) => this.client.listTopics({ timeout: TIMEOUT_MS }, cb));
  }

  /** Partition count per existing topic; a missing topic is absent. */
  async partitionCounts(names: readonly string[]): Promise<Map<string, number>> {
    const existing = new Set(await this.listTopics());
    const wanted = names.filter((n) => existing.has(n));
    const counts = new Map<string, number>();
    if (wanted.length === 0) return counts;
    const doing = `describing ${wanted.join(', ')}`;
    const described = await callback<RdKafka.TopicDescription[]>(doing, (cb) =>
      this.client.describeTopics(wanted, { timeout: TIMEOUT_MS }, cb),
    );
    for (const d of described) {
      if (d.error?.code === UNKNOWN_TOPIC) continue; // deleted since the listing
      if (d.error) throw new Error(`${doing}: ${d.name}: ${d.error.message}`);
      counts.set(d.name, d.partitions.length);
    }
    return counts;
  }

  async createTopics(topics: readonly BenchTopic[]): Promise<void> {
    for (const t of topics) {
      await callback<void>(`creating ${t.name}`, (cb) =>
        this.client.createTopic(
          {
            topic: t.name,
            num_partitions: t.partitions,
            replication_factor: t.replicationFactor,
            config: { ...t.config },
          },
          TIMEOUT_MS,
          cb,
        ),
      );
    }
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const counts = await this.partitionCounts(topics.map((t) => t.name));
      if (topics.every((t) => counts.get(t.name) === t.partitions)) return;
      if (Date.now() > deadline)
        throw new Error(`topics ${topics.map((t) => t.name).join(', ')} were created but not described`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async deleteTopics(names: readonly string[]): Promise<void> {
    for (const name of names)
      await callback<void>(`deleting ${name}`, (cb) => this.client.deleteTopic(name, TIMEOUT_MS, cb));
  }

  /** Retries while a partition answers with a retriable error (a leader moving, a topic just made). */
  async offsets(topic: string, readCommitted: boolean): Promise<PartitionOffsets[]> {
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      try {
        return await this.offsetsOnce(topic, readCommitted);
      } catch (err) {
        const code = (err as { cause?: { code?: number } }).cause?.code;
        const retriable = code !== undefined && RETRIABLE.has(code);
        if (!retriable || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  private async offsetsOnce(topic: string, readCommitted: boolean): Promise<PartitionOffsets[]> {
    const count = (await this.partitionCounts([topic])).get(topic);
    if (count === undefined) throw new Error(`reading the offsets of ${topic}: no such topic`);
    const { OffsetSpec, IsolationLevel } = Kafka;
    const isolationLevel = readCommitted ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED;
    const partitions = Array.from({ length: count }, (_, partition) => partition);
    const list = async (offset: RdKafka.OffsetSpec) => {
      const answer = await callback<RdKafka.ListOffsetsResult[]>(`listing offsets of ${topic}`, (cb) =>
        this.client.listOffsets(
          partitions.map((partition) => ({ topic, partition, offset })),
          { timeout: TIMEOUT_MS, isolationLevel },
          cb,
        ),
      );
      for (const p of answer)
        if (p.error)
          throw new Error(`offset of ${topic}-${p.partition}: ${p.error.message}`, { cause: p.error });
      return answer;
    };
    const [ends, starts] = await Promise.all([list(OffsetSpec.LATEST), list(OffsetSpec.EARLIEST)]);
    return partitions.map((partition) => ({
      partition,
      start: starts.find((s) => s.partition === partition)?.offset ?? 0,
      end: ends.find((e) => e.partition === partition)?.offset ?? 0,
    }));
  }

  /**
   * How many records of `topic` the group has committed (partitions without a commit count 0), read
   * by a consumer that never joins the group (the admin client's listConsumerGroupOffsets can crash
   * the process against a broker that has just started: see test/kafka/native-crash.kafka.test.ts).
   */
  async committedRecords(groupId: string, topic: string): Promise<number> {
    const count = (await this.partitionCounts([topic])).get(topic) ?? 0;
    const reader = await this.offsetReader(groupId);
    const doing = `reading the offsets ${groupId} committed`;
    const partitions = Array.from({ length: count }, (_, partition) => ({ topic, partition }));
    const committed = await callback<RdKafka.TopicPartitionOffset[]>(doing, (cb) =>
      reader.committed(partitions, TIMEOUT_MS, cb),
    );
    let total = 0;
    for (const p of committed) {
      const error = (p as { error?: { message: string } }).error;
      if (error) throw new Error(`${doing}: ${topic}-${p.partition}: ${error.message}`);
      total += Math.max(0, p.offset ?? 0);
    }
    return total;
  }

  private offsetReader(groupId: string): Promise<RdKafka.KafkaConsumer> {
    let reader = this.readers.get(groupId);
    if (!reader) {
      const consumer = new Kafka.KafkaConsumer(
        { 'bootstrap.servers': this.bootstrap, 'group.id': groupId, 'enable.auto.commit': false },
        {},
      );
      reader = callback<unknown>(`connecting an offset reader for ${groupId}`, (cb) =>
        consumer.connect({}, cb),
      ).then(() => consumer);
      this.readers.set(groupId, reader);
    }
    return reader;
  }

  async close(): Promise<void> {
    for (const reader of this.readers.values())
      await reader.then((c) => new Promise<void>((resolve) => c.disconnect(() => resolve()))).catch(() => {});
    this.client.disconnect();
  }
}
