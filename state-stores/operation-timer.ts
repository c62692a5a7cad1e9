import type { StateStoreContext, StoreOperation } from './state-store.js';

/** One operation in SAMPLE_MASK + 1 is timed: timing every call would cost more than the call. */
const SAMPLE_MASK = 63;

/**
 * The metered layer of every store type (Kafka Streams' Metered*Store): samples how long its
 * operations take into `rivulet_store_operation_seconds{store, operation}`.
 */
export class OperationTimer {
  private operations = 0;
  private context: StateStoreContext | null = null;

  constructor(private readonly store: string) {}

  init(context: StateStoreContext): void {
    this.context = context;
  }

  /**
   * Call before an operation, and pass what it returns to `end` after it: the sampled ones are
   * timed. No closure per call: this is on the per-record path.
   */
  start(): number {
    return (++this.operations & SAMPLE_MASK) === 0 ? performance.now() : -1;
  }

  end(operation: StoreOperation, started: number): void {
    if (started >= 0)
      this.context?.observeLatency(this.store, operation, (performance.now() - started) / 1000);
  }

  /** Times every call (flushes: rare, and the cost that matters). */
  time<T>(operation: StoreOperation, work: () => T): T {
    const started = performance.now();
    const result = work();
    this.context?.observeLatency(this.store, operation, (performance.now() - started) / 1000);
    return result;
  }

  /** A sampled range: opening it (the backend positioning its cursor) is timed, not the caller's iteration. */
  range<T>(open: () => IterableIterator<T>): IterableIterator<T> {
    if ((++this.operations & SAMPLE_MASK) !== 0) return open();
    const it = open();
    const first = this.time('range', () => it.next());
    return (function* () {
      if (first.done) return;
      yield first.value;
      yield* it;
    })();
  }
}
