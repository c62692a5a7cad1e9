import type { Serde } from '../engine/serdes/serde.js';
import { compositeKey, MAX_TIMESTAMP, splitCompositeKey } from './composite-key.js';
import type { KeyValue } from './key-value-store.js';
import { TimeOrderedStore } from './time-ordered-store.js';
import type { ValueAndTimestamp } from './value-and-timestamp.js';
import type { WindowStore } from './window-store.js';
import type { Windowed } from './windowed.js';

/** Told of each window a cache flush writes through, as the KV store's FlushListener. */
export type WindowFlushListener<K, V> = (
  key: Windowed<K>,
  newValue: V | null,
  oldValue: V | null,
  timestampMs: number,
) => void;

/** Options of a window store beyond its key/value serdes and sizes. */
export interface WindowStoreLayers {
  /** Keep every value put for a (key, window) rather than the last (stream-stream joins). */
  readonly retainDuplicates: boolean;
  readonly loggingEnabled: boolean;
  /** A write-back cache (ignored with retainDuplicates, whose entries are never updated). */
  readonly cachingEnabled: boolean;
  readonly persistent: boolean;
  /** Values are ValueAndTimestamp (the DSL's windowed aggregations). */
  readonly timestamped: boolean;
}

/**
 * A window store over the shared bytes layers: entries keyed `key ‖ windowStart` (‖ sequence when
 * duplicates are retained, as joins need). Windows older than the retention period behind the
 * largest window start seen are ignored by queries, refused by `put`, and purged at flush. With
 * caching, repeated updates to a window between commits become one changelog write and one
 * downstream update (as Kafka Streams' CachingWindowStore).
 */
export class MeteredWindowStore<K, V> extends TimeOrderedStore<K, V> implements WindowStore<K, V> {
  private sequence = 0;
  private readonly suffixes: number;
  private readonly retainDuplicates: boolean;

  constructor(
    name: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    readonly windowSizeMs: number,
    retentionMs: number,
    layers: WindowStoreLayers,
  ) {
    // A store of duplicates (joins) is never updated in place: nothing for a cache to collapse.
    super(name, keySerde, valueSerde, retentionMs, layers.retainDuplicates ? 2 : 1, {
      ...layers,
      cachingEnabled: layers.cachingEnabled && !layers.retainDuplicates,
    });
    this.retainDuplicates = layers.retainDuplicates;
    this.suffixes = layers.retainDuplicates ? 2 : 1;
  }

  /**
   * Registers who forwards this store's updates downstream. Returns true when the store caches:
   * then updates reach the listener at flush or eviction and the processor must not forward itself.
   * Old values reach it only with `sendOldValues`.
   */
  setFlushListener(listener: WindowFlushListener<K, V>, sendOldValues = true): boolean {
    this.cache.setFlushListener(
      (key, newValue, oldValue, timestampMs) =>
        listener(this.windowedKey(key), newValue, oldValue, timestampMs),
      sendOldValues,
    );
    return this.cache.caching;
  }

  put(key: K, value: V | null, windowStartMs: number): void {
    this.backend.observe(windowStartMs);
    if (this.backend.expired(windowStartMs)) return;
    if (this.retainDuplicates && value === null) return;
    const started = this.timer.start();
    const k = this.keyBytes(key);
    const composite = this.retainDuplicates
      ? compositeKey(k, windowStartMs, this.sequence++)
      : compositeKey(k, windowStartMs);
    const timestampMs =
      this.timestamped && value !== null
        ? (value as ValueAndTimestamp<unknown>).timestampMs
        : this.context!.recordTimestampMs();
    this.cache.put(composite, value, timestampMs);
    this.timer.end('put', started);
  }

  fetch(key: K, windowStartMs: number): V | null;
  fetch(key: K, fromMs: number, toMs: number): IterableIterator<KeyValue<number, V>>;
  fetch(
    keyFrom: K | null,
    keyTo: K | null,
    fromMs: number,
    toMs: number,
  ): IterableIterator<KeyValue<Windowed<K>, V>>;
  fetch(...args: unknown[]): unknown {
    if (args.length === 2) {
      const [key, start] = args as [K, number];
      if (this.retainDuplicates) {
        for (const { value } of this.oneKey(key, start, start, false)) return value;
        return null;
      }
      // One exact key: the cache, else the backend (the aggregation's per-record lookup).
      if (this.backend.expired(start)) return null;
      const started = this.timer.start();
      const value = this.cache.get(compositeKey(this.keyBytes(key), start));
      this.timer.end('get', started);
      return value;
    }
    if (args.length === 3)
      return this.timer.range(() => this.oneKey(...(args as [K, number, number]), false));
    return this.timer.range(() => this.keyRange(...(args as [K | null, K | null, number, number]), false));
  }

  backwardFetch(key: K, fromMs: number, toMs: number): IterableIterator<KeyValue<number, V>>;
  backwardFetch(
    keyFrom: K | null,
    keyTo: K | null,
    fromMs: number,
    toMs: number,
  ): IterableIterator<KeyValue<Windowed<K>, V>>;
  backwardFetch(...args: unknown[]): unknown {
    if (args.length === 3) return this.oneKey(...(args as [K, number, number]), true);
    return this.keyRange(...(args as [K | null, K | null, number, number]), true);
  }

  fetchAll(fromMs: number, toMs: number): IterableIterator<KeyValue<Windowed<K>, V>> {
    return this.keyRange(null, null, fromMs, toMs, false);
  }

  all(): IterableIterator<KeyValue<Windowed<K>, V>> {
    return this.keyRange(null, null, 0, MAX_TIMESTAMP, false);
  }

  backwardAll(): IterableIterator<KeyValue<Windowed<K>, V>> {
    return this.keyRange(null, null, 0, MAX_TIMESTAMP, true);
  }

  private windowedKey(composite: Buffer): Windowed<K> {
    const { key, timestamps } = splitCompositeKey(composite, this.suffixes);
    const startMs = timestamps[0]!;
    return {
      key: this.keySerde.deserialize(this.name, key) as K,
      startMs,
      endMs: startMs + this.windowSizeMs,
    };
  }

  private *oneKey(
    key: K,
    fromMs: number,
    toMs: number,
    reverse: boolean,
  ): IterableIterator<KeyValue<number, V>> {
    const k = this.keyBytes(key);
    const lo = this.retainDuplicates ? compositeKey(k, fromMs, 0) : compositeKey(k, fromMs);
    const hi = this.retainDuplicates ? compositeKey(k, toMs, MAX_TIMESTAMP) : compositeKey(k, toMs);
    for (const entry of this.cache.range(lo, hi, reverse)) {
      const { key: entryKey, timestamps } = splitCompositeKey(entry.key, this.suffixes);
      const start = timestamps[0]!;
      if (!entryKey.equals(k) || start < fromMs || start > toMs || this.backend.expired(start)) continue;
      yield { key: start, value: entry.value };
    }
  }

  private *keyRange(
    keyFrom: K | null,
    keyTo: K | null,
    fromMs: number,
    toMs: number,
    reverse: boolean,
  ): IterableIterator<KeyValue<Windowed<K>, V>> {
    const kf = keyFrom === null ? null : this.keyBytes(keyFrom);
    const kt = keyTo === null ? null : this.keyBytes(keyTo);
    const lo = kf && compositeKey(kf, ...Array<number>(this.suffixes).fill(0));
    const hi = kt && compositeKey(kt, ...Array<number>(this.suffixes).fill(MAX_TIMESTAMP));
    for (const entry of this.cache.range(lo, hi, reverse)) {
      const { key: entryKey, timestamps } = splitCompositeKey(entry.key, this.suffixes);
      const start = timestamps[0]!;
      if (start < fromMs || start > toMs || this.backend.expired(start)) continue;
      if ((kf && Buffer.compare(entryKey, kf) < 0) || (kt && Buffer.compare(entryKey, kt) > 0)) continue;
      yield {
        key: {
          key: this.keySerde.deserialize(this.name, entryKey) as K,
          startMs: start,
          endMs: start + this.windowSizeMs,
        },
        value: entry.value,
      };
    }
  }
}
