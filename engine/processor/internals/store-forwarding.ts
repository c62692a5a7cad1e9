import type { ValueAndTimestamp } from '../../../state-stores/value-and-timestamp.js';
import type { ProcessorContext } from '../processor.js';
import { Record } from '../record.js';
import { type Change, change } from './change.js';

/** A store that may cache, and then forwards its flushed updates through a listener (KV and window stores). */
interface MaybeCachingStore<KOut, V> {
  setFlushListener?(
    listener: (key: KOut, newValue: V | null, oldValue: V | null, timestampMs: number) => void,
    sendOldValues: boolean,
  ): boolean;
}

/**
 * Kafka Streams' TimestampedTupleForwarder over a store of ValueAndTimestamp values: a caching store
 * forwards its flushed updates itself, stamped with the new value's timestamp (the record's for a
 * deletion); without a cache `maybeForward` forwards each update at once. Old values go along only
 * with `sendOldValues` (see SendsOldValues).
 */
export class TimestampedTupleForwarder<KOut, V> {
  private readonly caching: boolean;

  constructor(
    store: object,
    private readonly context: ProcessorContext<KOut, Change<V>>,
    private readonly sendOldValues = true,
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
        sendOldValues,
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
        new Record(
          record.key,
          change(newValue, this.sendOldValues ? oldValue : null, isLatest),
          timestampMs,
          record.headers,
        ),
      );
  }
}
