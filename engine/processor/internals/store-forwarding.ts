import type { KeyValueStore } from '../../../state-stores/key-value-store.js';
import type { FlushListener } from '../../../state-stores/key-value-store-impl.js';
import type { ProcessorContext } from '../processor.js';
import { Record } from '../record.js';
import { type Change, change } from './change.js';

type CachingStore<K, V> = KeyValueStore<K, V> & { setFlushListener?(listener: FlushListener<K, V>): boolean };

/**
 * Decides who forwards a table processor's updates. A caching store forwards them itself when it
 * flushes (one update per key per commit, as Kafka Streams' TimestampedTupleForwarder); then this
 * returns false and the processor must not forward. Without a cache the processor forwards each update.
 */
export function forwardsOnFlush<K, V>(
  store: KeyValueStore<K, V>,
  context: ProcessorContext<K, Change<V>>,
): boolean {
  const caching = (store as CachingStore<K, V>).setFlushListener?.((key, newValue, oldValue, timestampMs) =>
    context.forward(new Record(key, change(newValue, oldValue), timestampMs)),
  );
  return caching === true;
}
