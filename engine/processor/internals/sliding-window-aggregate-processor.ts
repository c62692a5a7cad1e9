import type { ValueAndTimestamp } from '../../../state-stores/value-and-timestamp.js';
import type { WindowStore } from '../../../state-stores/window-store.js';
import type { Windowed } from '../../../state-stores/windowed.js';
import type { ProcessorSupplier } from '../processor.js';
import type { Record } from '../record.js';
import type { Change } from './change.js';
import type { InternalProcessorContext } from './internal-context.js';
import type { SendsOldValues } from './sends-old-values.js';
import { TimestampedTupleForwarder } from './store-forwarding.js';
import type { WindowCloseEmitter } from './window-close-emitter.js';

/** What the processor needs of the DSL's SlidingWindows. */
export interface SlidingSpec {
  readonly timeDifferenceMs: number;
  readonly graceMs: number;
}

/**
 * KGroupedStream.windowedBy(SlidingWindows).aggregate, as Kafka Streams' KStreamSlidingWindowAggregate
 * (KIP-450): windows `[start, start + timeDifference]` (both inclusive) exist only where records are:
 * each record has a left window ending at it, and a right window starting just after it once a later
 * record falls in it; a record updates every existing window that contains it. Records earlier than
 * the time difference share the window starting at 0. Records with a null key or value, and records
 * whose windows are all closed (end < stream time − grace), are dropped and counted. Ported from
 * Kafka Streams' reverse-iteration path, so updates are forwarded in the same order.
 */
export function slidingWindowAggregateSupplier<K, V, VAgg>(
  storeName: string,
  windows: SlidingSpec,
  initializer: () => VAgg,
  aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
  /** emitStrategy(onWindowClose()): forwards nothing per update, only closed windows' final results. */
  closeEmitter?: () => WindowCloseEmitter<K, VAgg>,
): ProcessorSupplier<K, V, Windowed<K>, Change<VAgg>> & SendsOldValues {
  const diff = windows.timeDifferenceMs;
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

      const forward = (
        record: Record<K, V>,
        startMs: number,
        old: VAgg | null,
        next: VAgg,
        timestampMs: number,
      ) => {
        if (emitter) return; // final results only, at window close
        forwarder.maybeForward(
          record.withKey({ key: record.key, startMs, endMs: startMs + diff }),
          next,
          old,
          timestampMs,
        );
      };

      /** Kafka Streams' updateWindowAndForward: add the record to a window that is not closed. */
      const update = (
        record: Record<K, V>,
        startMs: number,
        current: ValueAndTimestamp<VAgg> | null,
        closeTimeMs: number,
      ) => {
        if (startMs + diff < closeTimeMs) {
          context.recordDropped('window-closed');
          return;
        }
        const old = current?.value ?? null;
        const next = aggregator(record.key, record.value, old as VAgg);
        const timestampMs =
          old === null ? record.timestampMs : Math.max(record.timestampMs, current!.timestampMs);
        store.put(record.key, { value: next, timestampMs }, startMs);
        forward(record, startMs, old, next, timestampMs);
      };

      /** A right window copies the aggregate of the later records it holds (it does not hold this record). */
      const createCurrentRecordRightWindow = (record: Record<K, V>, rightAgg: ValueAndTimestamp<VAgg>) => {
        const startMs = record.timestampMs + 1;
        store.put(record.key, rightAgg, startMs);
        forward(record, startMs, null, rightAgg.value, rightAgg.timestampMs);
      };

      const createPreviousRecordRightWindow = (record: Record<K, V>, startMs: number, closeTimeMs: number) =>
        update(record, startMs, { value: initializer(), timestampMs: record.timestampMs }, closeTimeMs);

      const rightWindowNotEmpty = (rightAgg: ValueAndTimestamp<VAgg> | null, timestampMs: number) =>
        rightAgg !== null && rightAgg.timestampMs > timestampMs;

      const processEarly = (record: Record<K, V>, closeTimeMs: number) => {
        const t = record.timestampMs;
        let combined: { startMs: number; value: ValueAndTimestamp<VAgg> } | null = null;
        let rightAgg: ValueAndTimestamp<VAgg> | null = null;
        let rightCreated = false;
        let previousTimestampMs: number | null = null;
        const starts = new Set<number>();
        for (const { key: startMs, value } of store.fetch(record.key, 0, t + 1)) {
          starts.add(startMs);
          if (startMs === 0) {
            combined = { startMs, value };
            if (value.timestampMs < t) previousTimestampMs = value.timestampMs;
          } else if (startMs <= t) {
            rightAgg = value;
            update(record, startMs, value, closeTimeMs);
          } else if (startMs === t + 1) {
            rightCreated = true;
          }
        }
        if (rightAgg === null && combined !== null && combined.value.timestampMs > t)
          rightAgg = combined.value;
        if (!rightCreated && rightWindowNotEmpty(rightAgg, t))
          createCurrentRecordRightWindow(record, rightAgg!);
        if (previousTimestampMs !== null && !starts.has(previousTimestampMs + 1))
          createPreviousRecordRightWindow(record, previousTimestampMs + 1, closeTimeMs);
        if (combined === null) update(record, 0, { value: initializer(), timestampMs: t }, closeTimeMs);
        else update(record, combined.startMs, combined.value, closeTimeMs);
      };

      const processReverse = (record: Record<K, V>, closeTimeMs: number) => {
        const t = record.timestampMs;
        const starts = new Set<number>();
        let leftAgg: ValueAndTimestamp<VAgg> | null = null;
        let rightAgg: ValueAndTimestamp<VAgg> | null = null;
        let leftCreated = false;
        let rightCreated = false;
        let previousTimestampMs: number | null = null;
        for (const { key: startMs, value } of store.backwardFetch(
          record.key,
          Math.max(0, t - 2 * diff),
          t + 1,
        )) {
          starts.add(startMs);
          const endMs = startMs + diff;
          if (startMs === t + 1) {
            rightCreated = true;
          } else if (endMs > t) {
            if (rightAgg === null) rightAgg = value;
            update(record, startMs, value, closeTimeMs);
          } else if (endMs === t) {
            leftCreated = true;
            update(record, startMs, value, closeTimeMs);
            if (value.timestampMs < t) previousTimestampMs = value.timestampMs;
            else return; // a record at this time was here before: every window it needs exists
          } else {
            leftAgg = value;
            previousTimestampMs = value.timestampMs;
            break;
          }
        }
        // Kafka Streams' createWindows.
        if (previousTimestampMs !== null) {
          const previousRightStart = previousTimestampMs + 1;
          if (!starts.has(previousRightStart) && previousRightStart + diff >= t)
            createPreviousRecordRightWindow(record, previousRightStart, closeTimeMs);
        }
        if (!leftCreated) {
          const leftNotEmpty = previousTimestampMs !== null && t - diff <= previousTimestampMs;
          const seed = leftNotEmpty && leftAgg ? leftAgg.value : initializer();
          update(record, t - diff, { value: seed, timestampMs: t }, closeTimeMs);
        }
        if (!rightCreated && rightWindowNotEmpty(rightAgg, t))
          createCurrentRecordRightWindow(record, rightAgg!);
      };

      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<Windowed<K>, Change<VAgg>>;
          store = ctx.getStateStore<WindowStore<K, ValueAndTimestamp<VAgg>>>(storeName);
          forwarder = new TimestampedTupleForwarder(store, context, sendOldValues);
          emitter?.init(ctx);
        },
        process(record) {
          if (
            record.key === null ||
            record.key === undefined ||
            record.value === null ||
            record.value === undefined
          ) {
            context.recordDropped('null-key-or-value');
            return;
          }
          if (record.timestampMs > observedStreamTimeMs) observedStreamTimeMs = record.timestampMs;
          const closeTimeMs = observedStreamTimeMs - windows.graceMs;
          if (record.timestampMs + diff < closeTimeMs) {
            context.recordDropped('window-closed');
            return;
          }
          // Before this record's updates, which never touch a closed window (see windowAggregateSupplier).
          emitter?.maybeEmit(record, closeTimeMs, store, context);
          if (record.timestampMs < diff) processEarly(record, closeTimeMs);
          else processReverse(record, closeTimeMs);
        },
      };
    },
  };
}
