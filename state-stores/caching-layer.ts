import type { Serde } from '../engine/serdes/serde.js';
import type { KeyValue } from './key-value-store.js';
import type { LoggedBytesStore } from './logged-bytes-store.js';
import type { CacheEntry, NamedCache, RecordCache } from './record-cache.js';

/** Told of each entry a cache flush writes through: its stored key, what downstream should now see, and what it saw before. */
export type BytesFlushListener<V> = (
  key: Buffer,
  newValue: V | null,
  oldValue: V | null,
  timestampMs: number,
) => void;

/**
 * The write-back cache of one store, over the logged bytes layers, for every store type (Kafka
 * Streams' CachingKeyValueStore / CachingWindowStore / CachingSessionStore, as one). It holds typed
 * values by stored key: repeated updates between commits become one changelog write and one
 * downstream update at flush or eviction. Reads and ordered scans lay the cache's newer values (and
 * deletions) over the backend's. Without a record cache (or with caching off) it passes through.
 */
export class CachingLayer<V> {
  private cache: NamedCache<V> | null = null;
  private listener: BytesFlushListener<V> | null = null;
  private sendOldValues = true;

  constructor(
    private readonly backend: LoggedBytesStore,
    private readonly valueSerde: Serde<V>,
    /** What the serde is told as the topic: the store's name. */
    private readonly topic: string,
  ) {}

  /** Turns the cache on when the store asks for it and the instance has a record cache. */
  open(recordCache: RecordCache | null, enabled: boolean): void {
    if (enabled && recordCache && recordCache.maxBytes > 0)
      this.cache = recordCache.named<V>((dirty) => this.writeThrough(dirty));
  }

  get caching(): boolean {
    return this.cache !== null;
  }

  /**
   * Whoever forwards the flushed updates downstream (a table processor). Without `sendOldValues` the
   * listener is told null as the old value and a flush reads the backend only for a deletion.
   */
  setFlushListener(listener: BytesFlushListener<V>, sendOldValues: boolean): void {
    this.listener = listener;
    this.sendOldValues = sendOldValues;
  }

  get(key: Buffer): V | null {
    const entry = this.cache?.get(key.toString('latin1'));
    return entry ? entry.value : this.valueSerde.deserialize(this.topic, this.backend.bytes.get(key));
  }

  put(key: Buffer, value: V | null, timestampMs: number): void {
    if (this.cache) this.cache.put(key.toString('latin1'), key, value, timestampMs);
    else this.backend.put(key, this.valueSerde.serialize(this.topic, value), timestampMs);
  }

  /**
   * Entries with stored keys in [from, to] (null = open; with `prefix`, those starting with it), in
   * key order (descending when `reverse`), the cache's laid over the backend's. Latin1 strings of the
   * keys order as the bytes do.
   */
  *range(
    from: Buffer | null,
    to: Buffer | null,
    reverse: boolean,
    prefix?: Buffer,
  ): IterableIterator<KeyValue<Buffer, V>> {
    const backend = prefix ? this.backend.bytes.prefix(prefix) : this.backend.bytes.range(from, to, reverse);
    if (!this.cache) {
      for (const { key, value } of backend)
        yield { key, value: this.valueSerde.deserialize(this.topic, value) as V };
      return;
    }
    const start = prefix?.toString('latin1');
    // In key order (the cache keeps a sorted index for ranges).
    const cached: [string, CacheEntry<V>][] = [];
    for (const hit of this.cache.between(from?.toString('latin1') ?? start, to?.toString('latin1')))
      if (start === undefined || hit[0].startsWith(start)) cached.push(hit);
    if (reverse) cached.reverse();
    let i = 0;
    for (const { key, value } of backend) {
      const k = key.toString('latin1');
      for (; i < cached.length && (reverse ? cached[i]![0] > k : cached[i]![0] < k); i++) {
        const entry = cached[i]![1];
        if (entry.value !== null) yield { key: entry.keyBytes, value: entry.value };
      }
      if (i < cached.length && cached[i]![0] === k) {
        const entry = cached[i++]![1];
        if (entry.value !== null) yield { key: entry.keyBytes, value: entry.value };
        continue;
      }
      yield { key, value: this.valueSerde.deserialize(this.topic, value) as V };
    }
    for (; i < cached.length; i++) {
      const entry = cached[i]![1];
      if (entry.value !== null) yield { key: entry.keyBytes, value: entry.value };
    }
  }

  /** How many entries the cache adds to the backend's count (negative: deletions not yet written). */
  countAdjustment(): number {
    let n = 0;
    for (const [, entry] of this.cache?.between(undefined, undefined) ?? []) {
      const inBackend = this.backend.bytes.get(entry.keyBytes) !== null;
      if (entry.value !== null && !inBackend) n++;
      else if (entry.value === null && inBackend) n--;
    }
    return n;
  }

  /** Writes the dirty entries through (forwarding them). */
  flush(): void {
    this.cache?.flush();
  }

  /** Drops the cache without writing it: a clean close has flushed already, a dirty one must not. */
  clear(): void {
    this.cache?.clear();
  }

  private writeThrough(dirty: CacheEntry<V>[]): void {
    for (const entry of dirty) {
      const old = entry.value === null || this.sendOldValues ? this.backend.bytes.get(entry.keyBytes) : null;
      // Deleting a key the backend never held: nothing to write, log or forward (as Kafka Streams' cache).
      if (entry.value === null && old === null) continue;
      this.backend.put(entry.keyBytes, this.valueSerde.serialize(this.topic, entry.value), entry.timestampMs);
      this.listener?.(
        entry.keyBytes,
        entry.value,
        this.sendOldValues ? this.valueSerde.deserialize(this.topic, old) : null,
        entry.timestampMs,
      );
    }
  }
}
