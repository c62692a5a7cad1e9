import { tpKey } from '../../topic-partition.js';
import type { TopicPartition } from '../ports.js';

/**
 * What a Kafka consumer knows of its partitions' progress, for `caughtUp` and `position`: where
 * reading started, the offset after the last record a poll returned, and the ends reported by
 * partition-EOF events (a read_committed reader steps over transaction markers there). Both data
 * planes keep it the same way.
 */
export class PartitionProgress {
  private readonly ends = new Map<string, number>();
  private readonly fetchedUpTo = new Map<string, number>();
  private readonly starts = new Map<string, number>();

  /** Reading starts (again) at `offset`, or at the committed offset when unknown: nothing fetched yet. */
  restart(tp: TopicPartition, offset?: number): void {
    const key = tpKey(tp);
    if (offset !== undefined) this.starts.set(key, offset);
    this.ends.delete(key);
    this.fetchedUpTo.delete(key);
  }

  /** A poll returned records of the partition up to `nextOffset` - 1. */
  fetched(key: string, nextOffset: number): void {
    this.fetchedUpTo.set(key, nextOffset);
  }

  /** A partition-EOF event: the partition's readable end is `offset`. */
  reachedEnd(key: string, offset: number): void {
    this.ends.set(key, offset);
  }

  /** An end at or past the last record returned: everything readable so far was fetched. */
  caughtUp(tp: TopicPartition): boolean {
    const key = tpKey(tp);
    const end = this.ends.get(key);
    return end !== undefined && end >= (this.fetchedUpTo.get(key) ?? this.starts.get(key) ?? 0);
  }

  /**
   * The next offset to read: the consumer's own position when it has one (`consumed`), else where
   * reading started (or, without a live consumer, what poll returned last), and at least the end
   * seen (markers after the last record).
   */
  position(tp: TopicPartition, consumed: number | undefined): number {
    const key = tpKey(tp);
    const known = consumed ?? this.fetchedUpTo.get(key) ?? this.starts.get(key) ?? 0;
    return Math.max(known, this.ends.get(key) ?? 0);
  }
}
