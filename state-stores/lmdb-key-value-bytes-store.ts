import { mkdirSync } from 'node:fs';
import { open, type RootDatabase } from 'lmdb';
import type { KeyValueBytesStore } from './key-value-bytes-store.js';
import type { KeyValue } from './key-value-store.js';

/**
 * The persistent bytes backend on LMDB (chosen by measurement, docs/state-stores.md): synchronous
 * reads and ordered range scans on the per-record path; writes are buffered and written as one
 * transaction per flush (commit). No fsync: the changelog is the durable copy, as Kafka Streams runs
 * RocksDB without its write-ahead log. A range or prefix scan writes the buffered batch first.
 */
export class LmdbKeyValueBytesStore implements KeyValueBytesStore {
  readonly persistent = true;
  private readonly db: RootDatabase<Buffer, Buffer>;
  /** Writes since the last flush, by latin1 key; null marks a deletion. */
  private readonly pending = new Map<string, { key: Buffer; value: Buffer | null }>();

  constructor(directory: string) {
    mkdirSync(directory, { recursive: true });
    this.db = open<Buffer, Buffer>({
      path: directory,
      keyEncoding: 'binary',
      encoding: 'binary',
      compression: false,
      noSync: true,
    });
  }

  get(key: Buffer): Buffer | null {
    const pending = this.pending.get(key.toString('latin1'));
    if (pending) return pending.value;
    return this.db.getBinary(key) ?? null;
  }

  put(key: Buffer, value: Buffer | null): void {
    this.pending.set(key.toString('latin1'), { key, value });
  }

  *range(
    from: Buffer | null,
    to: Buffer | null,
    reverse: boolean,
  ): IterableIterator<KeyValue<Buffer, Buffer>> {
    this.flush();
    const start = reverse ? (to ?? undefined) : (from ?? undefined);
    for (const { key, value } of this.db.getRange({ start, reverse })) {
      if (
        reverse ? from !== null && Buffer.compare(key, from) < 0 : to !== null && Buffer.compare(key, to) > 0
      )
        return;
      yield { key, value };
    }
  }

  *prefix(prefix: Buffer): IterableIterator<KeyValue<Buffer, Buffer>> {
    this.flush();
    for (const { key, value } of this.db.getRange({ start: prefix })) {
      if (key.length < prefix.length || !key.subarray(0, prefix.length).equals(prefix)) return;
      yield { key, value };
    }
  }

  size(): number {
    this.flush();
    return this.db.getCount();
  }

  flush(): void {
    if (this.pending.size === 0) return;
    this.db.transactionSync(() => {
      for (const { key, value } of this.pending.values()) {
        if (value === null) this.db.remove(key);
        else this.db.put(key, value);
      }
    });
    this.pending.clear();
  }

  clear(): void {
    this.pending.clear();
    this.db.clearSync();
  }

  close(): void {
    this.flush();
    void this.db.close();
  }
}
