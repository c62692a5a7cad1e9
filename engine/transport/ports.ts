import type { StreamsError } from '../errors.js';
import type { Headers } from '../processor/record.js';
import type { TopicPartition, TopicPartitionOffset } from '../topic-partition.js';

// The three narrow ports the runtime talks to Kafka through (ARCHITECTURE §3). Adapters:
// memory/ (the embedded log) and kafka/ (librdkafka).

export type { TopicPartition, TopicPartitionOffset };

/** A fetched record as the transports hand it to the runtime: bytes, not yet deserialized. */
export interface ConsumerRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestampMs: number;
  readonly headers: Headers;
}

/** The consumer's group membership, which a transactional offset commit is fenced by. */
export interface GroupMetadata {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  /** The adapter's own consumer object, where its producer needs it (librdkafka takes the consumer). */
  readonly consumerHandle?: unknown;
}

/**
 * Called from inside `poll()`. The engine commits and closes tasks in `onPartitionsRevoked` before
 * the partitions go to another member, and creates (and restores) tasks in `onPartitionsAssigned`.
 */
export interface RebalanceListener {
  onPartitionsRevoked(partitions: readonly TopicPartition[]): Promise<void>;
  onPartitionsAssigned(partitions: readonly TopicPartition[]): Promise<void>;
}

export interface ConsumerConfig {
  readonly clientId: string;
  /** Absent for group-less consumers (restore, standby). */
  readonly groupId?: string;
  /** Stable member identity (static membership); also orders members for range assignment. */
  readonly groupInstanceId?: string;
  readonly isolationLevel: 'read_committed' | 'read_uncommitted';
}

export interface ConsumerPort {
  subscribe(topics: readonly string[], listener: RebalanceListener): void;
  /** Group-less: read these partitions from these offsets. */
  assign(partitions: readonly TopicPartitionOffset[]): void;
  /** A batch of records from the assigned partitions; waits up to `timeoutMs` for one. */
  poll(maxRecords: number, timeoutMs: number): Promise<ConsumerRecord[]>;
  seek(position: TopicPartitionOffset): Promise<void>;
  /** Stops fetching these partitions (their records are buffered enough) until `resume`. */
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  /** The offset the next poll reads from, for an assigned partition. */
  position(partition: TopicPartition): number;
  /**
   * Whether the consumer knows it has fetched everything readable in the partition so far (Kafka
   * Streams' fetched lag of 0): false while the lag is unknown (nothing fetched since assignment
   * or a seek) or records are known to be waiting on the broker.
   */
  caughtUp(partition: TopicPartition): boolean;
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  committed(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]>;
  /** The offset after the last readable record: the last stable offset under read_committed. */
  endOffsets(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]>;
  groupMetadata(): GroupMetadata;
  /** Leaves the group (if any) and releases the consumer. */
  close(): Promise<void>;
}

export interface ProducerConfig {
  readonly clientId: string;
  /** Set for exactly_once_v2: one transactional producer per instance. */
  readonly transactionalId?: string;
}

/** A record the cluster did not take (the broker refused it, or it could not be delivered in time). */
export interface DeliveryFailure {
  readonly topic: string;
  readonly partition: number;
  readonly timestampMs: number;
  /** Classified: RetriableError (not the record's fault), or a StreamsError saying why it was refused. */
  readonly error: StreamsError;
}

export interface ProducerPort {
  /** Resolves once the producer can send (metadata for partitionsFor loaded). */
  connect(): Promise<void>;
  /** Queues a record. `partition` undefined: murmur2 of the key, any partition for a null key. */
  send(
    topic: string,
    partition: number | undefined,
    key: Buffer | null,
    value: Buffer | null,
    headers: Headers,
    timestampMs: number,
  ): void;
  partitionsFor(topic: string): number;
  /**
   * Resolves once every queued record is acknowledged or has failed, with the failures since the
   * last flush (empty when all arrived). Rejects when the producer itself failed, or when
   * `timeoutMs` (default: the transport's, taskTimeoutMs) ran out first.
   */
  flush(timeoutMs?: number): Promise<readonly DeliveryFailure[]>;
  initTransactions(): Promise<void>;
  beginTransaction(): Promise<void>;
  sendOffsetsToTransaction(offsets: readonly TopicPartitionOffset[], group: GroupMetadata): Promise<void>;
  commitTransaction(): Promise<void>;
  abortTransaction(): Promise<void>;
  close(): Promise<void>;
}

export interface NewTopic {
  readonly name: string;
  readonly partitions: number;
  /** -1: the broker's default. */
  readonly replicationFactor: number;
  readonly config: Readonly<Record<string, string>>;
}

export interface AdminPort {
  /**
   * Partition counts of the topics that exist; missing topics are absent from the map. Any other
   * per-topic error in the answer rejects (RetriableError when it is transient).
   */
  describeTopics(names: readonly string[]): Promise<Map<string, number>>;
  /** Creates the topics; one that already exists is left alone. */
  createTopics(topics: readonly NewTopic[]): Promise<void>;
  close(): Promise<void>;
}

export interface Transport {
  consumer(config: ConsumerConfig): ConsumerPort;
  producer(config: ProducerConfig): ProducerPort;
  admin(): AdminPort;
}
