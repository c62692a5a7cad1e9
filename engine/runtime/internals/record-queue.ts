import type { ConsumerRecord } from '../../transport/ports.js';

/** The fetched, not yet processed records of one input partition of a task. */
export class RecordQueue {
  private records: ConsumerRecord[] = [];
  private head = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** The source node that reads this topic. */
    readonly sourceName: string,
  ) {}

  add(records: readonly ConsumerRecord[]): void {
    if (this.head > 0 && this.head === this.records.length) {
      this.records = [];
      this.head = 0;
    }
    for (const r of records) this.records.push(r);
  }

  isEmpty(): boolean {
    return this.head >= this.records.length;
  }

  size(): number {
    return this.records.length - this.head;
  }

  peekTimestamp(): number {
    return this.records[this.head]!.timestampMs;
  }

  poll(): ConsumerRecord {
    const record = this.records[this.head++]!;
    if (this.head === this.records.length) {
      this.records = [];
      this.head = 0;
    }
    return record;
  }

  clear(): void {
    this.records = [];
    this.head = 0;
  }
}
