import type { Headers } from '../../processor/record.js';

/**
 * Where sinks and change-logging stores send serialized records. `partition` undefined means
 * murmur2 of the key (or any partition for a null key), as Kafka's default partitioner does.
 */
export interface RecordCollector {
  send(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    headers: Headers,
    timestampMs: number,
    partition: number | undefined,
  ): void;
  /** Partition count of a topic the task writes to (for stream partitioners). */
  partitionsFor(topic: string): number;
}
