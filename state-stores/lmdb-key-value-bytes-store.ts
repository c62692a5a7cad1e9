import { mkdirSync } from 'node:fs';
import { open, type RootDatabase } from 'lmdb';
import type { KeyValueBytesStore } from './key-value-bytes-store.js';
import type { KeyValue } from './key-value-store.js';

/**
 * Every key is stored behind this byte: LMDB refuses a zero-length key, and an empty string is a
 * key like any other (Kafka Streams' RocksDB takes it). One leading byte keeps the byte order, so
 * ranges and prefix scans are unchanged. Not 0x00: lmdb-js's reverse iteration stops before the
 * key [0x00]. Part of the on-disk layout named by the checkpoint version.
 */
const KEY_PREFIX = 0x01;

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
  /** Where reads build the stored form of a key (LMDB copies it), so a get allocates nothing big. */
  private scratch = Buffer.allocUnsafe(256);

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
    return this.db.getBinary(this.lookupKey(key)) ?? null;
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
    const start = reverse ? to : from;
    for (const { key, value } of this.db.getRange({ start: start ? stored(start) : undefined, reverse })) {
      const k = key.subarray(1);
      if (reverse ? from !== null && Buffer.compare(k, from) < 0 : to !== null && Buffer.compare(k, to) > 0)
        return;
      yield { key: k, value };
    }
  }

  *prefix(prefix: Buffer): IterableIterator<KeyValue<Buffer, Buffer>> {
    this.flush();
    const start = stored(prefix);
    for (const { key, value } of this.db.getRange({ start })) {
      if (key.length < start.length || !key.subarray(0, start.length).equals(start)) return;
      yield { key: key.subarray(1), value };
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
        if (value === null) this.db.remove(stored(key));
        else this.db.put(stored(key), value);
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

  private lookupKey(key: Buffer): Buffer {
    if (this.scratch.length < key.length + 1) this.scratch = Buffer.allocUnsafe(2 * (key.length + 1));
    this.scratch[0] = KEY_PREFIX;
    key.copy(this.scratch, 1);
    return this.scratch.subarray(0, key.length + 1);
  }
}

function stored(key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(key.length + 1);
  out[0] = KEY_PREFIX;
  key.copy(out, 1);
  return out;
}
