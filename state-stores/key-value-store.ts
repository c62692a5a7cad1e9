import type { Serde } from '../engine/serdes/serde.js';
import type { StateStore } from './state-store.js';

export interface KeyValue<K, V> {
  readonly key: K;
  readonly value: V;
}

/** The queries interactive queries may run: no writes. Iteration is in key-byte order. */
export interface ReadOnlyKeyValueStore<K, V> {
  get(key: K): V | null;
  /** Keys from `from` to `to`, both inclusive; a null bound is open. */
  range(from: K | null, to: K | null): IterableIterator<KeyValue<K, V>>;
  reverseRange(from: K | null, to: K | null): IterableIterator<KeyValue<K, V>>;
  all(): IterableIterator<KeyValue<K, V>>;
  reverseAll(): IterableIterator<KeyValue<K, V>>;
  /** Keys whose serialized form starts with the serialized `prefix`. */
  prefixScan<P>(prefix: P, prefixSerde: Serde<P>): IterableIterator<KeyValue<K, V>>;
  approximateNumEntries(): number;
}

/** A key-value store as processors use it: synchronous, like Kafka Streams'. */
export interface KeyValueStore<K, V> extends StateStore, ReadOnlyKeyValueStore<K, V> {
  put(key: K, value: V | null): void;
  putIfAbsent(key: K, value: V): V | null;
  putAll(entries: Iterable<KeyValue<K, V>>): void;
  delete(key: K): V | null;
}
