import type { StateRestoreListener } from '../../../state-stores/restore-listener.js';
import type { TopicPartition } from '../../topic-partition.js';

/**
 * Keeps how far each store partition under restore is from its changelog's end (for
 * `allLocalStorePartitionLags`), and passes every event on to the application's listener.
 */
export class RestoreProgress implements StateRestoreListener {
  /** store → partition → the changelog end and the next offset to restore. */
  private readonly restoring = new Map<string, Map<number, { end: number; next: number }>>();

  constructor(private readonly application: () => StateRestoreListener | null) {}

  /** Records still to restore, by partition, for a store under restore here. */
  lags(storeName: string): ReadonlyMap<number, number> {
    const partitions = this.restoring.get(storeName);
    return new Map([...(partitions ?? [])].map(([p, { end, next }]) => [p, Math.max(0, end - next)]));
  }

  onRestoreStart(
    partition: TopicPartition,
    storeName: string,
    startingOffset: number,
    endingOffset: number,
  ): void {
    this.partitionsOf(storeName).set(partition.partition, { end: endingOffset, next: startingOffset });
    this.application()?.onRestoreStart?.(partition, storeName, startingOffset, endingOffset);
  }

  onBatchRestored(
    partition: TopicPartition,
    storeName: string,
    batchEndOffset: number,
    numRestored: number,
  ): void {
    const progress = this.restoring.get(storeName)?.get(partition.partition);
    if (progress) progress.next = batchEndOffset + 1;
    this.application()?.onBatchRestored?.(partition, storeName, batchEndOffset, numRestored);
  }

  onRestoreEnd(partition: TopicPartition, storeName: string, totalRestored: number): void {
    this.restoring.get(storeName)?.delete(partition.partition);
    this.application()?.onRestoreEnd?.(partition, storeName, totalRestored);
  }

  private partitionsOf(storeName: string): Map<number, { end: number; next: number }> {
    const partitions = this.restoring.get(storeName) ?? new Map<number, { end: number; next: number }>();
    this.restoring.set(storeName, partitions);
    return partitions;
  }
}
