import type { KeyValueStore } from '../../../state-stores/key-value-store.js';
import type { ValueAndTimestamp } from '../../../state-stores/value-and-timestamp.js';
import type { WindowStore } from '../../../state-stores/window-store.js';
import type { Windowed } from '../../../state-stores/windowed.js';
import type { ProcessorContext } from '../processor.js';
import type { Record } from '../record.js';
import { type Change, change } from './change.js';

/** Which window starts a close time makes final (inclusive bounds), per window type. */
export interface CloseRange {
  /** The first start not emitted yet, given the close time of the last emit (-1: none yet). */
  lower(lastEmitCloseTimeMs: number): number;
  /** The last start whose window is closed at `closeTimeMs`. */
  upper(closeTimeMs: number): number;
  /** Whether [lower, upper] holds a window not emitted yet (else the emit is skipped, as Kafka Streams does). */
  anyNew(lowerMs: number, upperMs: number, lastEmitCloseTimeMs: number): boolean;
}

/** Time windows (Kafka Streams' KStreamWindowAggregate): a window is closed when its end is at most the close time. */
export function timeWindowCloseRange(
  sizeMs: number,
  windowStartsFor: (t: number) => readonly number[],
): CloseRange {
  return {
    lower: (last) => (last === -1 ? 0 : Math.max(0, last - sizeMs) + 1),
    upper: (close) => close - sizeMs,
    anyNew: (lower, upper, last) =>
      last === -1 || windowStartsFor(upper).join() !== windowStartsFor(lower - 1).join(),
  };
}

/** Sliding windows (Kafka Streams' KStreamSlidingWindowAggregate): ends are inclusive. */
export function slidingWindowCloseRange(timeDifferenceMs: number): CloseRange {
  return {
    lower: (last) => (last === -1 ? 0 : Math.max(0, last - timeDifferenceMs)),
    upper: (close) => close - timeDifferenceMs - 1,
    anyNew: () => true,
  };
}

/** The key under which a task's emit progress sits in the metadata store. */
const LAST_EMIT = 'lastEmitWindowCloseTime';

/**
 * `emitStrategy(EmitStrategy.onWindowClose())` (KIP-825), as Kafka Streams' windowed aggregations
 * do it: the processor forwards nothing while windows are open; when a record moves the close time
 * (stream time − grace) past windows not emitted yet, each of them is forwarded once, in
 * window-start order, with its aggregate's timestamp. The processor calls this before it applies
 * the record (whose updates never touch a closed window, so the results are Kafka Streams'), while
 * the store still holds every window not emitted yet. The close time of the last emit is kept
 * in a logged store (Kafka Streams keeps it in the commit's metadata), so a restart or an
 * exactly-once abort neither repeats nor skips a final result.
 */
export class WindowCloseEmitter<K, VAgg> {
  private metadata!: KeyValueStore<string, number>;
  /** Read at the first record: at init the store has not been restored yet. */
  private lastEmitCloseTimeMs: number | undefined;

  constructor(
    private readonly metadataStoreName: string,
    private readonly range: CloseRange,
  ) {}

  init(context: ProcessorContext<unknown, unknown>): void {
    this.metadata = context.getStateStore<KeyValueStore<string, number>>(this.metadataStoreName);
    this.lastEmitCloseTimeMs = undefined;
  }

  maybeEmit(
    record: Record<unknown, unknown>,
    closeTimeMs: number,
    store: WindowStore<K, ValueAndTimestamp<VAgg>>,
    context: ProcessorContext<Windowed<K>, Change<VAgg>>,
  ): void {
    this.lastEmitCloseTimeMs ??= this.metadata.get(LAST_EMIT) ?? -1;
    const last = this.lastEmitCloseTimeMs;
    if (last !== -1 && last >= closeTimeMs) return;
    const upper = this.range.upper(closeTimeMs);
    if (upper < 0) return;
    const lower = this.range.lower(last);
    if (!this.range.anyNew(lower, upper, last)) return;
    // Kafka Streams' time-ordered store yields by window start, then key: a stable sort of the key-ordered fetch.
    const closed = [...store.fetchAll(lower, upper)].sort((a, b) => a.key.startMs - b.key.startMs);
    for (const { key, value } of closed) {
      context.forward(
        record.withKey(key).withValue(change(value.value, null)).withTimestamp(value.timestampMs),
      );
    }
    this.lastEmitCloseTimeMs = closeTimeMs;
    this.metadata.put(LAST_EMIT, closeTimeMs);
  }
}
