import type { ProcessorContext } from '../processor.js';
import { Record } from '../record.js';
import { type Change, change } from './change.js';

/** A store that may cache, and then forwards its flushed updates through a listener (KV and window stores). */
interface MaybeCachingStore<KOut, V> {
  setFlushListener?(
    listener: (key: KOut, newValue: V | null, oldValue: V | null, timestampMs: number) => void,
  ): boolean;
}

/**
 * Decides who forwards a table processor's updates. A caching store forwards them itself when it
 * flushes (one update per key per commit, as Kafka Streams' TimestampedTupleForwarder); then this
 * returns false and the processor must not forward. Without a cache the processor forwards each update.
 */
export function forwardsOnFlush<KOut, V>(store: object, context: ProcessorContext<KOut, Change<V>>): boolean {
  const caching = (store as MaybeCachingStore<KOut, V>).setFlushListener?.(
    (key, newValue, oldValue, timestampMs) =>
      context.forward(new Record(key, change(newValue, oldValue), timestampMs)),
  );
  return caching === true;
}
