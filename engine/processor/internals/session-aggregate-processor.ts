import type { KeyValue } from '../../../state-stores/key-value-store.js';
import type { SessionStore } from '../../../state-stores/session-store.js';
import type { Windowed } from '../../../state-stores/windowed.js';
import type { ProcessorSupplier } from '../processor.js';
import { Record } from '../record.js';
import { type Change, change } from './change.js';
import type { InternalProcessorContext } from './internal-context.js';
import type { SendsOldValues } from './sends-old-values.js';
import type { SessionCloseEmitter } from './session-close-emitter.js';

/** What the processor needs of the DSL's SessionWindows. */
export interface SessionSpec {
  readonly gapMs: number;
  readonly graceMs: number;
}

export interface SessionAggregation<K, V, VAgg> {
  readonly initializer: () => VAgg;
  readonly aggregator: (key: K, value: V, aggregate: VAgg) => VAgg;
  readonly merger: (key: K, aggregate1: VAgg, aggregate2: VAgg) => VAgg;
}

/**
 * KGroupedStream.windowedBy(SessionWindows).aggregate (and count, reduce), as Kafka Streams'
 * KStreamSessionWindowAggregate: a record falls into a new session `[t, t]`, merged with every
 * session of its key that ends no more than the gap before it or starts no more than the gap after
 * it. Merged-away sessions are removed and forwarded as deletes, then the merged session's new
 * aggregate, each stamped with its session's end. A record whose merged session ended before
 * stream time minus grace and gap is dropped and counted; so are null keys.
 */
export function sessionAggregateSupplier<K, V, VAgg>(
  storeName: string,
  windows: SessionSpec,
  aggregation: SessionAggregation<K, V, VAgg>,
  /** emitStrategy(onWindowClose()): forwards nothing per update, only closed sessions' final results. */
  closeEmitter?: () => SessionCloseEmitter<K, VAgg>,
): ProcessorSupplier<K, V, Windowed<K>, Change<VAgg>> & SendsOldValues {
  const { initializer, aggregator, merger } = aggregation;
  let sendOldValues = false;
  return {
    enableSendingOldValues() {
      sendOldValues = true;
    },
    get() {
      let context!: InternalProcessorContext<Windowed<K>, Change<VAgg>>;
      let store!: SessionStore<K, VAgg>;
      let caching = false;
      let observedStreamTimeMs = -1;
      const emitter = closeEmitter?.();
      const forward = (session: Windowed<K>, newValue: VAgg | null, oldValue: VAgg | null) =>
        context.forward(
          new Record(session, change(newValue, sendOldValues ? oldValue : null), session.endMs),
        );
      /** Updates go downstream at once unless a cache (at flush) or the close emitter (final results) does it. */
      const forwardUpdate = (session: Windowed<K>, newValue: VAgg | null, oldValue: VAgg | null) => {
        emitter?.track(session, newValue !== null);
        if (!caching && !emitter) forward(session, newValue, oldValue);
      };
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<Windowed<K>, Change<VAgg>>;
          store = ctx.getStateStore<SessionStore<K, VAgg>>(storeName);
          // A caching store forwards each session's update when it flushes (Kafka Streams' SessionTupleForwarder).
          const cachingStore = store as SessionStore<K, VAgg> & {
            setFlushListener?(
              listener: (session: Windowed<K>, newValue: VAgg | null, oldValue: VAgg | null) => void,
              sendOldValues: boolean,
            ): boolean;
          };
          caching = cachingStore.setFlushListener?.(forward, sendOldValues) === true;
          emitter?.init(ctx);
        },
        process(record) {
          const { key, timestampMs } = record;
          if (key === null || key === undefined) {
            context.recordDropped('null-key');
            return;
          }
          if (timestampMs > observedStreamTimeMs) observedStreamTimeMs = timestampMs;
          const closeTimeMs = observedStreamTimeMs - windows.graceMs - windows.gapMs;
          // Before this record's updates, which never touch a closed session, while the store still holds them all.
          emitter?.maybeEmit(record, closeTimeMs, store, context);
          const merged: KeyValue<Windowed<K>, VAgg>[] = [];
          let startMs = timestampMs;
          let endMs = timestampMs;
          let aggregate = initializer();
          for (const session of store.findSessions(
            key,
            timestampMs - windows.gapMs,
            timestampMs + windows.gapMs,
          )) {
            merged.push(session);
            aggregate = merger(key, aggregate, session.value);
            startMs = Math.min(startMs, session.key.startMs);
            endMs = Math.max(endMs, session.key.endMs);
          }
          if (endMs < closeTimeMs) {
            context.recordDropped('window-closed');
            return;
          }
          if (startMs !== timestampMs || endMs !== timestampMs) {
            for (const session of merged) {
              store.remove(session.key);
              forwardUpdate(session.key, null, session.value);
            }
          }
          aggregate = aggregator(key, record.value, aggregate);
          const session = { key, startMs, endMs };
          store.put(session, aggregate);
          forwardUpdate(session, aggregate, null);
        },
      };
    },
  };
}
