import type { Serde } from '../engine/serdes/serde.js';
import type { KeyValue, KeyValueStore } from './key-value-store.js';
import { NO_TIMESTAMP, StoreFacade } from './store-facade.js';
import type { TimestampedKeyValueStore } from './value-and-timestamp.js';

/**
 * A timestamped store seen as a plain key-value store (Kafka Streams' KeyValueStoreFacade): reads
 * drop the timestamps, writes carry none. What interactive queries and the test driver hand out
 * for the DSL's stores, which keep a timestamp with every value.
 */
export class KeyValueStoreFacade<K, V>
  extends StoreFacade<TimestampedKeyValueStore<K, V>>
  implements KeyValueStore<K, V>
{
  get(key: K): V | null {
    return this.inner.get(key)?.value ?? null;
  }

  range(from: K | null, to: K | null): IterableIterator<KeyValue<K, V>> {
    return values(this.inner.range(from, to));
  }

  reverseRange(from: K | null, to: K | null): IterableIterator<KeyValue<K, V>> {
    return values(this.inner.reverseRange(from, to));
  }

  all(): IterableIterator<KeyValue<K, V>> {
    return values(this.inner.all());
  }

  reverseAll(): IterableIterator<KeyValue<K, V>> {
    return values(this.inner.reverseAll());
  }

  prefixScan<P>(prefix: P, prefixSerde: Serde<P>): IterableIterator<KeyValue<K, V>> {
    return values(this.inner.prefixScan(prefix, prefixSerde));
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  put(key: K, value: V | null): void {
    this.inner.put(key, value === null ? null : { value, timestampMs: NO_TIMESTAMP });
  }

  putIfAbsent(key: K, value: V): V | null {
    const existing = this.get(key);
    if (existing === null) this.put(key, value);
    return existing;
  }

  putAll(entries: Iterable<KeyValue<K, V>>): void {
    for (const { key, value } of entries) this.put(key, value);
  }

  delete(key: K): V | null {
    return this.inner.delete(key)?.value ?? null;
  }
}

function* values<K, V>(
  entries: IterableIterator<KeyValue<K, { readonly value: V }>>,
): IterableIterator<KeyValue<K, V>> {
  for (const { key, value } of entries) yield { key, value: value.value };
}
