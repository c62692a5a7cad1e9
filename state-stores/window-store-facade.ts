import type { KeyValue } from './key-value-store.js';
import { NO_TIMESTAMP, StoreFacade } from './store-facade.js';
import type { ValueAndTimestamp } from './value-and-timestamp.js';
import type { WindowStore } from './window-store.js';
import type { Windowed } from './windowed.js';

/**
 * A timestamped window store seen as a plain one (Kafka Streams' WindowStoreFacade): reads drop
 * the timestamps, writes carry none. What the test driver hands out for the DSL's window stores.
 */
export class WindowStoreFacade<K, V>
  extends StoreFacade<WindowStore<K, ValueAndTimestamp<V>>>
  implements WindowStore<K, V>
{
  get windowSizeMs(): number {
    return this.inner.windowSizeMs;
  }

  get retentionMs(): number {
    return this.inner.retentionMs;
  }

  put(key: K, value: V | null, windowStartMs: number): void {
    this.inner.put(key, value === null ? null : { value, timestampMs: NO_TIMESTAMP }, windowStartMs);
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
    if (args.length === 2) return this.inner.fetch(args[0] as K, args[1] as number)?.value ?? null;
    if (args.length === 3)
      return values(this.inner.fetch(args[0] as K, args[1] as number, args[2] as number));
    return values(this.inner.fetch(...(args as [K | null, K | null, number, number])));
  }

  backwardFetch(key: K, fromMs: number, toMs: number): IterableIterator<KeyValue<number, V>>;
  backwardFetch(
    keyFrom: K | null,
    keyTo: K | null,
    fromMs: number,
    toMs: number,
  ): IterableIterator<KeyValue<Windowed<K>, V>>;
  backwardFetch(...args: unknown[]): unknown {
    if (args.length === 3)
      return values(this.inner.backwardFetch(args[0] as K, args[1] as number, args[2] as number));
    return values(this.inner.backwardFetch(...(args as [K | null, K | null, number, number])));
  }

  fetchAll(fromMs: number, toMs: number): IterableIterator<KeyValue<Windowed<K>, V>> {
    return values(this.inner.fetchAll(fromMs, toMs));
  }

  all(): IterableIterator<KeyValue<Windowed<K>, V>> {
    return values(this.inner.all());
  }

  backwardAll(): IterableIterator<KeyValue<Windowed<K>, V>> {
    return values(this.inner.backwardAll());
  }
}

function* values<K, V>(
  entries: IterableIterator<KeyValue<K, ValueAndTimestamp<V>>>,
): IterableIterator<KeyValue<K, V>> {
  for (const { key, value } of entries) yield { key, value: value.value };
}
