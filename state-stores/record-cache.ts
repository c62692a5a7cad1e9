import { createRequire } from 'node:module';

// sorted-btree is CommonJS with the class on `default` (as in in-memory-key-value-bytes-store.ts).
const { default: BTree, simpleComparator } = createRequire(import.meta.url)(
  'sorted-btree',
) as typeof import('sorted-btree');
type KeyIndex = InstanceType<typeof BTree<string, true>>;

/** One cached key: the typed value, whether it still has to be written, and its record's timestamp. */
export interface CacheEntry<V> {
  readonly keyBytes: Buffer;
  value: V | null;
  dirty: boolean;
  timestampMs: number;
  size: number;
}

/**
 * The write-back record cache of one instance, shared by the caches of all its stores and bounded
 * by `cacheMaxBytes` (entry sizes are estimated: key bytes plus a fixed overhead plus a value guess).
 * As in Kafka Streams, a cache over budget evicts its own least recently used entries, flushing its
 * dirty entries first.
 */
export class RecordCache {
  private usedBytes = 0;

  constructor(readonly maxBytes: number) {}

  /** A cache for one store; `flush` writes dirty entries through (and forwards them). */
  named<V>(flush: (dirty: CacheEntry<V>[]) => void): NamedCache<V> {
    return new NamedCache<V>(this, flush);
  }

  /** @internal */
  adjust(delta: number): boolean {
    this.usedBytes += delta;
    return this.usedBytes > this.maxBytes;
  }

  get sizeBytes(): number {
    return this.usedBytes;
  }
}

const ENTRY_OVERHEAD = 64;

export class NamedCache<V> {
  /** In least-recently-used order: an access moves the key to the end. */
  private readonly entries = new Map<string, CacheEntry<V>>();
  /** Dirty keys in the order they became dirty: a flush visits only these, not the whole cache. */
  private readonly dirtyKeys = new Set<string>();
  /**
   * A live iterator at the least recently used end. Every key before it was evicted or moved to the
   * end (an access re-inserts), so it finds the eldest key without rescanning the deleted slots at
   * the head of the Map, which a fresh `keys()` per eviction would walk again each time.
   */
  private eldestKeys: IterableIterator<string> | null = null;
  /**
   * The keys in order, for range queries (window and session fetches, KV ranges): built at the first
   * one and kept from then on, so a store that never asks for a range never pays for it. Without it
   * each range scanned the whole cache (a session aggregation did so per record).
   */
  private sorted: KeyIndex | null = null;

  constructor(
    private readonly owner: RecordCache,
    private readonly flushFn: (dirty: CacheEntry<V>[]) => void,
  ) {}

  get(key: string): CacheEntry<V> | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Caches a value as dirty; when the instance's cache is over budget, evicts from this one. */
  put(key: string, keyBytes: Buffer, value: V | null, timestampMs: number): void {
    const size = keyBytes.length + ENTRY_OVERHEAD + estimateSize(value);
    const existing = this.entries.get(key);
    if (existing) {
      this.entries.delete(key);
      this.dirtyKeys.add(key);
      existing.value = value;
      existing.dirty = true;
      existing.timestampMs = timestampMs;
      this.owner.adjust(size - existing.size);
      existing.size = size;
      this.entries.set(key, existing);
    } else {
      this.entries.set(key, { keyBytes, value, dirty: true, timestampMs, size });
      this.dirtyKeys.add(key);
      this.sorted?.set(key, true);
    }
    if (this.owner.adjust(existing ? 0 : size)) this.evict();
  }

  /** Entries whose key string is within [from, to] (undefined bounds are open), in key order. */
  *between(from: string | undefined, to: string | undefined): IterableIterator<[string, CacheEntry<V>]> {
    if (!this.sorted) {
      this.sorted = new BTree<string, true>(undefined, simpleComparator);
      for (const key of this.entries.keys()) this.sorted.set(key, true);
    }
    // A snapshot of the matching keys: the caller may write to this cache while it iterates.
    const keys: string[] = [];
    for (const key of this.sorted.keys(from)) {
      if (to !== undefined && key > to) break;
      keys.push(key);
    }
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry) yield [key, entry];
    }
  }

  flush(): void {
    if (this.dirtyKeys.size === 0) return;
    const dirty: CacheEntry<V>[] = [];
    for (const key of this.dirtyKeys) {
      const entry = this.entries.get(key)!;
      entry.dirty = false;
      dirty.push(entry);
    }
    this.dirtyKeys.clear();
    this.flushFn(dirty);
  }

  /** Drops everything (after a flush on clean close, or without one on a dirty close). */
  clear(): void {
    for (const entry of this.entries.values()) this.owner.adjust(-entry.size);
    this.entries.clear();
    this.dirtyKeys.clear();
    this.eldestKeys = null;
    this.sorted = null;
  }

  private evict(): void {
    while (this.owner.adjust(0) && this.entries.size > 0) {
      const key = this.eldestKey()!;
      const eldest = this.entries.get(key)!;
      if (eldest.dirty) this.flush();
      this.entries.delete(key);
      this.sorted?.delete(key);
      this.owner.adjust(-eldest.size);
    }
  }

  private eldestKey(): string | undefined {
    this.eldestKeys ??= this.entries.keys();
    let next = this.eldestKeys.next();
    if (next.done) {
      this.eldestKeys = this.entries.keys();
      next = this.eldestKeys.next();
    }
    return next.done ? undefined : next.value;
  }
}

function estimateSize(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'string') return value.length;
  if (Buffer.isBuffer(value)) return value.length;
  if (typeof value === 'number' || typeof value === 'boolean') return 8;
  return 128;
}
