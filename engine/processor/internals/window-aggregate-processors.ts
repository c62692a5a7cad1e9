import type { ValueAndTimestamp } from '../../../state-stores/value-and-timestamp.js';
import type { WindowStore } from '../../../state-stores/window-store.js';
import type { Windowed } from '../../../state-stores/windowed.js';
import type { ProcessorSupplier } from '../processor.js';
import type { Change } from './change.js';
import type { InternalProcessorContext } from './internal-context.js';
import type { SendsOldValues } from './sends-old-values.js';
import { TimestampedTupleForwarder } from './store-forwarding.js';
import type { WindowCloseEmitter } from './window-close-emitter.js';

/** What the processor needs of the DSL's TimeWindows (the DSL is a layer above). */
export interface WindowSpec {
  readonly sizeMs: number;
  readonly graceMs: number;
  /** The starts of the windows that contain a timestamp. */
  windowStartsFor(timestampMs: number): readonly number[];
}

/**
 * KGroupedStream.windowedBy(TimeWindows).aggregate (and count, reduce), as Kafka Streams'
 * KStreamWindowAggregate: each record updates every window that contains its timestamp and is not
 * closed yet (window end + grace > the highest timestamp this processor has seen); records for closed
 * windows are dropped and counted. A window's result carries the largest timestamp aggregated into it. A null value goes to the aggregator like any other (Kafka Streams
 * 4.1 drops only null keys here, whatever its javadoc says). Emits Change(new, old) per updated
 * window — at cache flush when the store caches, else at once.
 */
export function windowAggregateSupplier<K, V, VAgg>(
  storeName: string,
  windows: WindowSpec,
  /** The window's new aggregate from its current one (null: the window is new). */
  update: (key: K, value: V, current: VAgg | null) => VAgg,
  /** emitStrategy(onWindowClose()): forwards nothing per update, only closed windows' final results. */
  closeEmitter?: () => WindowCloseEmitter<K, VAgg>,
): ProcessorSupplier<K, V, Windowed<K>, Change<VAgg>> & SendsOldValues {
  let sendOldValues = false;
  return {
    enableSendingOldValues() {
      sendOldValues = true;
    },
    get() {
      let context!: InternalProcessorContext<Windowed<K>, Change<VAgg>>;
      let store!: WindowStore<K, ValueAndTimestamp<VAgg>>;
      let forwarder!: TimestampedTupleForwarder<Windowed<K>, VAgg>;
      let observedStreamTimeMs = -1;
      const emitter = closeEmitter?.();
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<Windowed<K>, Change<VAgg>>;
          store = ctx.getStateStore<WindowStore<K, ValueAndTimestamp<VAgg>>>(storeName);
          forwarder = new TimestampedTupleForwarder(store, context, sendOldValues);
          emitter?.init(ctx);
        },
        process(record) {
          if (record.key === null || record.key === undefined) {
            context.recordDropped('null-key');
            return;
          }
          const timestampMs = record.timestampMs;
          if (timestampMs > observedStreamTimeMs) observedStreamTimeMs = timestampMs;
          const closeTimeMs = observedStreamTimeMs - windows.graceMs;
          // Before this record's updates, which never touch a closed window: a window is emitted
          // before the store's retention (size + grace of stream time) can drop it.
          emitter?.maybeEmit(record, closeTimeMs, store, context);
          for (const startMs of windows.windowStartsFor(timestampMs)) {
            const endMs = startMs + windows.sizeMs;
            if (endMs <= closeTimeMs) {
              context.recordDropped('window-closed');
              continue;
            }
            const current = store.fetch(record.key, startMs);
            const old = current?.value ?? null;
            const resultMs = current === null ? timestampMs : Math.max(timestampMs, current.timestampMs);
            // A null value is the stream's own (its value type says whether it can be null).
            const next = update(record.key, record.value as V, old);
            store.put(record.key, next === null ? null : { value: next, timestampMs: resultMs }, startMs);
            if (!emitter)
              forwarder.maybeForward(
                record.withKey({ key: record.key, startMs, endMs }),
                next,
                old,
                resultMs,
              );
          }
        },
      };
    },
  };
}
