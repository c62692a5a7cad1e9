import type { TopicPartition } from '../engine/topic-partition.js';

/**
 * Told how restoring a store from its changelog goes (`KafkaStreams.setGlobalStateRestoreListener`),
 * as Kafka Streams' StateRestoreListener: per changelog partition, a start, batches, an end.
 */
export interface StateRestoreListener {
  onRestoreStart?(
    partition: TopicPartition,
    storeName: string,
    startingOffset: number,
    endingOffset: number,
  ): void;
  onBatchRestored?(
    partition: TopicPartition,
    storeName: string,
    batchEndOffset: number,
    numRestored: number,
  ): void;
  onRestoreEnd?(partition: TopicPartition, storeName: string, totalRestored: number): void;
}
