import type { ValueAndTimestamp } from '../../../state-stores/value-and-timestamp.js';
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

/**
 * Kafka Streams' TimestampedTupleForwarder over a store of ValueAndTimestamp values: a caching store
 * forwards its flushed updates itself, stamped with the new value's timestamp (the record's for a
 * deletion); without a cache `maybeForward` forwards each update at once.
 */
export class TimestampedTupleForwarder<KOut, V> {
  private readonly caching: boolean;

  constructor(
    store: object,
    private readonly context: ProcessorContext<KOut, Change<V>>,
  ) {
    this.caching =
      (store as MaybeCachingStore<KOut, ValueAndTimestamp<V>>).setFlushListener?.(
        (key, newValue, oldValue, timestampMs) =>
          context.forward(
            new Record(
              key,
              change(newValue?.value ?? null, oldValue?.value ?? null),
              newValue ? newValue.timestampMs : timestampMs,
            ),
          ),
      ) === true;
  }

  maybeForward(
    record: Record<KOut, unknown>,
    newValue: V | null,
    oldValue: V | null,
    timestampMs: number,
    isLatest = true,
  ): void {
    if (!this.caching)
      this.context.forward(
        new Record(record.key, change(newValue, oldValue, isLatest), timestampMs, record.headers),
      );
  }
}
