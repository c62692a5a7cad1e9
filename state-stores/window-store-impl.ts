import type { Serde } from '../engine/serdes/serde.js';
import { compositeKey, MAX_TIMESTAMP, splitCompositeKey } from './composite-key.js';
import type { KeyValue } from './key-value-store.js';
import { TimeOrderedStore } from './time-ordered-store.js';
import type { WindowStore } from './window-store.js';
import type { Windowed } from './windowed.js';

/**
 * A window store over the shared bytes layers: entries keyed `key ‖ windowStart` (‖ sequence when
 * duplicates are retained, as joins need). Windows older than the retention period behind the
 * largest window start seen are ignored by queries, refused by `put`, and purged at flush.
 */
export class MeteredWindowStore<K, V> extends TimeOrderedStore<K> implements WindowStore<K, V> {
  private sequence = 0;
  private readonly suffixes: number;

  constructor(
    name: string,
    keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    readonly windowSizeMs: number,
    retentionMs: number,
    private readonly retainDuplicates: boolean,
    loggingEnabled: boolean,
    persistent: boolean,
  ) {
    super(name, keySerde, retentionMs, retainDuplicates ? 2 : 1, loggingEnabled, persistent);
    this.suffixes = retainDuplicates ? 2 : 1;
  }

  put(key: K, value: V | null, windowStartMs: number): void {
    this.backend.observe(windowStartMs);
    if (this.backend.expired(windowStartMs)) return;
    if (this.retainDuplicates && value === null) return;
    const k = this.keyBytes(key);
    const composite = this.retainDuplicates
      ? compositeKey(k, windowStartMs, this.sequence++)
      : compositeKey(k, windowStartMs);
    this.backend.put(composite, this.valueSerde.serialize(this.name, value));
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
      for (const { value } of this.oneKey(key, start, start, false)) return value;
      return null;
    }
    if (args.length === 3) return this.oneKey(...(args as [K, number, number]), false);
    return this.keyRange(...(args as [K | null, K | null, number, number]), false);
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

  private *oneKey(
    key: K,
    fromMs: number,
    toMs: number,
    reverse: boolean,
  ): IterableIterator<KeyValue<number, V>> {
    const k = this.keyBytes(key);
    const lo = this.retainDuplicates ? compositeKey(k, fromMs, 0) : compositeKey(k, fromMs);
    const hi = this.retainDuplicates ? compositeKey(k, toMs, MAX_TIMESTAMP) : compositeKey(k, toMs);
    for (const entry of this.backend.bytes.range(lo, hi, reverse)) {
      const { key: entryKey, timestamps } = splitCompositeKey(entry.key, this.suffixes);
      const start = timestamps[0]!;
      if (!entryKey.equals(k) || start < fromMs || start > toMs || this.backend.expired(start)) continue;
      yield { key: start, value: this.valueSerde.deserialize(this.name, entry.value) as V };
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
    for (const entry of this.backend.bytes.range(lo, hi, reverse)) {
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
        value: this.valueSerde.deserialize(this.name, entry.value) as V,
      };
    }
  }
}
