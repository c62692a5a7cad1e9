import type { ConsumerRecord } from '../../transport/ports.js';

/** A record with its deserialized key and value and its extracted timestamp. */
export interface StampedRecord {
  readonly raw: ConsumerRecord;
  readonly key: unknown;
  readonly value: unknown;
  readonly timestampMs: number;
}

/**
 * Deserializes a raw record and extracts its timestamp; null drops it (a deserialization error the
 * handler skipped, a negative timestamp). Throws to fail.
 */
export type Stamper = (raw: ConsumerRecord, partitionTimeMs: number) => StampedRecord | null;

/**
 * The fetched, not yet processed records of one input partition of a task (Kafka Streams'
 * RecordQueue). Only the head is deserialized and stamped, when the task compares heads; its
 * partition time is the largest timestamp it has yielded.
 */
export class RecordQueue {
  private records: ConsumerRecord[] = [];
  private index = 0;
  private stamped: StampedRecord | null = null;
  private partitionTimeMs = -1;

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** The source node that reads this topic. */
    readonly sourceName: string,
    private readonly stamp: Stamper,
  ) {}

  add(records: readonly ConsumerRecord[]): void {
    if (this.index > 0 && this.index === this.records.length) {
      this.records = [];
      this.index = 0;
    }
    for (const r of records) this.records.push(r);
  }

  /** No raw record left (one not stamped yet counts: it may still be dropped). */
  isEmpty(): boolean {
    return this.stamped === null && this.index >= this.records.length;
  }

  size(): number {
    return this.records.length - this.index + (this.stamped ? 1 : 0);
  }

  /** The next record to process, stamping raw ones (and dropping those the stamper refuses); null when none is left. */
  head(): StampedRecord | null {
    while (this.stamped === null && this.index < this.records.length) {
      const raw = this.records[this.index++]!;
      this.stamped = this.stamp(raw, this.partitionTimeMs);
    }
    if (this.index === this.records.length && this.index > 0) {
      this.records = [];
      this.index = 0;
    }
    return this.stamped;
  }

  poll(): StampedRecord {
    const record = this.head();
    if (!record) throw new Error(`record queue ${this.topic}-${this.partition}: poll() on an empty queue`);
    this.stamped = null;
    if (record.timestampMs > this.partitionTimeMs) this.partitionTimeMs = record.timestampMs;
    return record;
  }

  /** Drops what is buffered (the task rewinds to its committed offsets); the partition time starts over. */
  clear(): void {
    this.records = [];
    this.index = 0;
    this.stamped = null;
    this.partitionTimeMs = -1;
  }
}
