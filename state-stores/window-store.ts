import type { KeyValue } from './key-value-store.js';
import type { StateStore } from './state-store.js';
import type { Windowed } from './windowed.js';

/**
 * The queries of a window store (interactive queries get this part). Times are window starts. One
 * key's windows come oldest first; across keys the order is the serialized key followed by the
 * 8-byte window start (a key that is a byte prefix of another may interleave with it).
 */
export interface ReadOnlyWindowStore<K, V> {
  /** The value of one window of one key. */
  fetch(key: K, windowStartMs: number): V | null;
  /** One key's windows starting in [fromMs, toMs], oldest first, as (windowStart, value). */
  fetch(key: K, fromMs: number, toMs: number): IterableIterator<KeyValue<number, V>>;
  /** Windows of the keys in [keyFrom, keyTo] (null = open) starting in [fromMs, toMs]. */
  fetch(
    keyFrom: K | null,
    keyTo: K | null,
    fromMs: number,
    toMs: number,
  ): IterableIterator<KeyValue<Windowed<K>, V>>;
  backwardFetch(key: K, fromMs: number, toMs: number): IterableIterator<KeyValue<number, V>>;
  backwardFetch(
    keyFrom: K | null,
    keyTo: K | null,
    fromMs: number,
    toMs: number,
  ): IterableIterator<KeyValue<Windowed<K>, V>>;
  /** Windows of every key starting in [fromMs, toMs]. */
  fetchAll(fromMs: number, toMs: number): IterableIterator<KeyValue<Windowed<K>, V>>;
  all(): IterableIterator<KeyValue<Windowed<K>, V>>;
  backwardAll(): IterableIterator<KeyValue<Windowed<K>, V>>;
}

/** A window store: values per (key, window start), kept for `retentionMs` of stream time. */
export interface WindowStore<K, V> extends StateStore, ReadOnlyWindowStore<K, V> {
  readonly windowSizeMs: number;
  readonly retentionMs: number;
  /** A null value deletes the window. */
  put(key: K, value: V | null, windowStartMs: number): void;
}
