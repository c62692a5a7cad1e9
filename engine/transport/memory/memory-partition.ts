import type { Headers } from '../../processor/record.js';
import type { ConsumerRecord } from '../ports.js';

/** A producer transaction's fate, shared by every record it wrote. */
export interface TransactionMark {
  status: 'open' | 'committed' | 'aborted';
}

interface StoredRecord extends ConsumerRecord {
  readonly transaction: TransactionMark | null;
}

/**
 * One partition of the embedded log: an append-only array. Transactional records stay invisible
 * to read_committed readers until their transaction commits, and are skipped if it aborts; the
 * last stable offset (LSO) is the first offset of a still-open transaction.
 */
export class MemoryPartition {
  private readonly records: StoredRecord[] = [];
  private readonly openTransactions = new Map<TransactionMark, number>();

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  append(
    key: Buffer | null,
    value: Buffer | null,
    headers: Headers,
    timestampMs: number,
    transaction: TransactionMark | null,
  ): number {
    const offset = this.records.length;
    this.records.push({
      topic: this.topic,
      partition: this.partition,
      offset,
      key,
      value,
      headers,
      timestampMs,
      transaction,
    });
    if (transaction && !this.openTransactions.has(transaction))
      this.openTransactions.set(transaction, offset);
    return offset;
  }

  /** The transaction ended (committed or aborted): it no longer holds the LSO back. */
  endTransaction(transaction: TransactionMark): void {
    this.openTransactions.delete(transaction);
  }

  endOffset(): number {
    return this.records.length;
  }

  lastStableOffset(): number {
    let lso = this.records.length;
    for (const first of this.openTransactions.values()) if (first < lso) lso = first;
    return lso;
  }

  /**
   * Records from `from` up to the readable end, at most `max`. Returns the records and the next
   * position (which moves past skipped aborted records).
   */
  read(from: number, max: number, readCommitted: boolean, out: ConsumerRecord[]): number {
    const end = readCommitted ? this.lastStableOffset() : this.records.length;
    let position = from;
    while (position < end && out.length < max) {
      const record = this.records[position++]!;
      if (readCommitted && record.transaction?.status === 'aborted') continue;
      out.push(record);
    }
    return position;
  }
}
