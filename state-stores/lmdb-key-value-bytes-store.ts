import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { open, type RootDatabase } from 'lmdb';
import type { KeyValueBytesStore } from './key-value-bytes-store.js';
import type { KeyValue } from './key-value-store.js';

// sorted-btree is CommonJS with the class on `default`; require() reads it the same way under Node and vitest.
const { default: BTree, simpleComparator } = createRequire(import.meta.url)(
  'sorted-btree',
) as typeof import('sorted-btree');

/**
 * Every key is stored behind this byte: LMDB refuses a zero-length key, and an empty string is a
 * key like any other (Kafka Streams' RocksDB takes it). One leading byte keeps the byte order, so
 * ranges and prefix scans are unchanged. Not 0x00: lmdb-js's reverse iteration stops before the
 * key [0x00]. Part of the on-disk layout named by the checkpoint version.
 */
const KEY_PREFIX = 0x01;

/**
 * The persistent bytes backend on LMDB (chosen by measurement, docs/state-stores.md): synchronous
 * reads and ordered range scans on the per-record path; writes are buffered in key order and
 * written as one transaction per flush (commit). No fsync: the changelog is the durable copy, as
 * Kafka Streams runs RocksDB without its write-ahead log. A range or prefix scan merges the
 * buffered writes over LMDB's data instead of committing them first (a join, which scans on every
 * record, would otherwise commit a write transaction per record). The buffer is a Map; it is also
 * kept sorted (a B+ tree) only once the store has been scanned: an aggregation's store, read and
 * written by key alone, then pays a Map's cost per write instead of a tree's.
 */
export class LmdbKeyValueBytesStore implements KeyValueBytesStore {
  readonly persistent = true;
  private readonly db: RootDatabase<Buffer, Buffer>;
  /** Writes since the last flush, by latin1 key (which sorts as the bytes do); a null value marks a deletion. */
  private readonly pending = new Map<string, PendingWrite>();
  /** The same writes in key order, from the first scan on (null until a scan needs it). */
  private sorted: SortedWrites | null = null;
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
    const k = key.toString('latin1');
    const write = { key, value };
    this.pending.set(k, write);
    this.sorted?.set(k, write);
  }

  range(
    from: Buffer | null,
    to: Buffer | null,
    reverse: boolean,
  ): IterableIterator<KeyValue<Buffer, Buffer>> {
    const start = reverse ? to : from;
    const committed = this.committed(this.db.getRange({ start: start ? stored(start) : undefined, reverse }));
    const lo = from?.toString('latin1');
    const hi = to?.toString('latin1');
    // A copy-on-write clone: writes during the iteration do not change what it yields.
    const snapshot = this.sortedWrites().clone();
    const buffered = reverse ? snapshot.entriesReversed(hi) : snapshot.entries(lo);
    return merged(committed, buffered, reverse, { from, to, prefix: null });
  }

  prefix(prefix: Buffer): IterableIterator<KeyValue<Buffer, Buffer>> {
    const committed = this.committed(this.db.getRange({ start: stored(prefix) }));
    const buffered = this.sortedWrites().clone().entries(prefix.toString('latin1'));
    return merged(committed, buffered, false, { from: null, to: null, prefix });
  }

  size(): number {
    this.flush();
    return this.db.getCount();
  }

  flush(): void {
    if (this.pending.size === 0) return;
    // In key order: LMDB's B+ tree takes sorted inserts fastest.
    const writes = this.sorted
      ? [...this.sorted.values()]
      : [...this.pending.keys()].sort().map((k) => this.pending.get(k)!);
    this.db.transactionSync(() => {
      for (const { key, value } of writes) {
        if (value === null) this.db.remove(stored(key));
        else this.db.put(stored(key), value);
      }
    });
    this.dropPending();
  }

  clear(): void {
    this.dropPending();
    this.db.clearSync();
  }

  close(): void {
    this.flush();
    void this.db.close();
  }

  private sortedWrites(): SortedWrites {
    if (!this.sorted) {
      this.sorted = new BTree<string, PendingWrite>(undefined, simpleComparator);
      for (const [k, write] of this.pending) this.sorted.set(k, write);
    }
    return this.sorted;
  }

  private dropPending(): void {
    this.pending.clear();
    // A store scanned once is scanned again (a join's): keep the sorted copy, emptied.
    if (this.sorted) this.sorted = new BTree<string, PendingWrite>(undefined, simpleComparator);
  }

  /** LMDB's entries without the key prefix byte. */
  private *committed(
    entries: Iterable<{ key: Buffer; value: Buffer }>,
  ): IterableIterator<KeyValue<Buffer, Buffer>> {
    for (const { key, value } of entries) yield { key: key.subarray(1), value };
  }

  private lookupKey(key: Buffer): Buffer {
    if (this.scratch.length < key.length + 1) this.scratch = Buffer.allocUnsafe(2 * (key.length + 1));
    this.scratch[0] = KEY_PREFIX;
    key.copy(this.scratch, 1);
    return this.scratch.subarray(0, key.length + 1);
  }
}

interface PendingWrite {
  readonly key: Buffer;
  readonly value: Buffer | null;
}
type SortedWrites = InstanceType<typeof BTree<string, PendingWrite>>;

/** What a scan wants: keys in [from, to] (null = open) that start with `prefix` (null = any). */
interface ScanBounds {
  readonly from: Buffer | null;
  readonly to: Buffer | null;
  readonly prefix: Buffer | null;
}

// Plain functions, not closures made per scan: scans run on every record of a join.
function wanted(key: Buffer, { from, to, prefix }: ScanBounds): boolean {
  if (from !== null && Buffer.compare(key, from) < 0) return false;
  if (to !== null && Buffer.compare(key, to) > 0) return false;
  return (
    prefix === null ||
    (key.length >= prefix.length && key.compare(prefix, 0, prefix.length, 0, prefix.length) === 0)
  );
}

function before(a: Buffer, b: Buffer, reverse: boolean): boolean {
  const order = Buffer.compare(a, b);
  return reverse ? order > 0 : order < 0;
}

/**
 * The committed entries with the buffered writes laid over them, in key order (descending when
 * `reverse`), while within `bounds`: a buffered write replaces the committed value of its key, a
 * buffered deletion hides it. Both inputs start at the scan's first key and come in the same order.
 */
function* merged(
  committed: Iterator<KeyValue<Buffer, Buffer>>,
  buffered: Iterator<[string, PendingWrite]>,
  reverse: boolean,
  bounds: ScanBounds,
): IterableIterator<KeyValue<Buffer, Buffer>> {
  let c = committed.next();
  let b = buffered.next();
  try {
    for (;;) {
      if (!c.done && !wanted(c.value.key, bounds)) c = { done: true, value: undefined };
      if (!b.done && !wanted(b.value[1].key, bounds)) b = { done: true, value: undefined };
      if (c.done && b.done) return;
      if (!b.done && (c.done || !before(c.value.key, b.value[1].key, reverse))) {
        const write = b.value[1];
        // The same key in both: the buffered write wins.
        if (!c.done && c.value.key.equals(write.key)) c = committed.next();
        b = buffered.next();
        if (write.value !== null) yield { key: write.key, value: write.value };
      } else if (!c.done) {
        yield c.value;
        c = committed.next();
      }
    }
  } finally {
    // Ends LMDB's read transaction even when the scan stops early (else readers run out).
    committed.return?.();
  }
}

function stored(key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(key.length + 1);
  out[0] = KEY_PREFIX;
  key.copy(out, 1);
  return out;
}
