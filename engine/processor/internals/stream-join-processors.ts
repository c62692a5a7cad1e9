import type { OuterJoinStore, TimestampedKeyAndJoinSide } from '../../../state-stores/outer-join-store.js';
import type { WindowStore } from '../../../state-stores/window-store.js';
import type { ProcessorContext, ProcessorSupplier } from '../processor.js';
import { Record } from '../record.js';
import type { InternalProcessorContext } from './internal-context.js';

/** A stream-stream joiner, always called with the left stream's value first. */
export type StreamJoiner<K, VL, VR, VOut> = (left: VL | null, right: VR | null, key: K) => VOut;

/**
 * Kafka Streams' KStreamJoinWindow: each record goes on to the join, then into its side's window
 * store (null keys are never joined, so they are not kept).
 */
export function joinWindowSupplier<K, V>(storeName: string): ProcessorSupplier<K, V, K, V> {
  return {
    get() {
      let context!: ProcessorContext<K, V>;
      let store!: WindowStore<K, V>;
      return {
        init(ctx) {
          context = ctx;
          store = ctx.getStateStore<WindowStore<K, V>>(storeName);
        },
        process(record) {
          context.forward(record);
          if (record.key !== null && record.key !== undefined)
            store.put(record.key, record.value, record.timestampMs);
        },
      };
    },
  };
}

/**
 * Stream time over both sides of one task's join, and the oldest record waiting in the outer-join
 * store (Kafka Streams' TimeTracker). In memory only, as in Kafka Streams: after a restart the
 * waiting records are looked at again once a new one waits.
 */
class TimeTracker {
  streamTimeMs = -1;
  minTimeMs = Number.MAX_SAFE_INTEGER;
}

/** One tracker per task, shared by the join's two sides. */
export class TimeTrackers {
  private readonly byTask = new Map<string, TimeTracker>();

  get(taskId: string): TimeTracker {
    let tracker = this.byTask.get(taskId);
    if (!tracker) {
      tracker = new TimeTracker();
      this.byTask.set(taskId, tracker);
    }
    return tracker;
  }

  remove(taskId: string): void {
    this.byTask.delete(taskId);
  }
}

export interface StreamJoinSide<K, VL, VR, VOut> {
  readonly thisIsLeft: boolean;
  /** The other side's window store. */
  readonly otherStoreName: string;
  /** Join this side's record with the other side's records this much earlier and later. */
  readonly beforeMs: number;
  readonly afterMs: number;
  /** JoinWindows' before and after, and grace (for when a waiting record's window closes). */
  readonly windowBeforeMs: number;
  readonly windowAfterMs: number;
  readonly graceMs: number;
  /** This side keeps records without a partner (left side of leftJoin, both sides of outerJoin). */
  readonly outer: boolean;
  /** The store of records waiting for a partner, when the join has an outer side. */
  readonly outerStoreName: string | undefined;
  readonly joiner: StreamJoiner<K, VL, VR, VOut>;
  readonly trackers: TimeTrackers;
}

/**
 * One side of KStream.join / leftJoin / outerJoin with JoinWindows, as Kafka Streams'
 * KStreamKStreamJoin (3.1+): a record joins the other side's records within the window, each result
 * stamped with the later timestamp. A record of an outer side without a partner waits in the shared
 * outer-join store and is emitted joined with null only once its window has closed by stream time,
 * unless a partner arrives first, so no "spurious" left/outer results are emitted. A record with a
 * null key (outer side: joined with null at once) or a null value is dropped.
 */
export function streamJoinSupplier<K, VThis, VOther, VL, VR, VOut>(
  side: StreamJoinSide<K, VL, VR, VOut>,
): ProcessorSupplier<K, VThis, K, VOut> {
  const { thisIsLeft, joiner, outer } = side;
  const join = (key: K, value: VThis | null, other: VOther | null): VOut =>
    thisIsLeft
      ? joiner(value as VL | null, other as VR | null, key)
      : joiner(other as VL | null, value as VR | null, key);
  const sideKey = (key: K, timestampMs: number, leftSide: boolean): TimestampedKeyAndJoinSide<K> => ({
    key,
    timestampMs,
    leftSide,
  });
  return {
    get() {
      let context!: InternalProcessorContext<K, VOut>;
      let otherStore!: WindowStore<K, VOther>;
      let outerStore: OuterJoinStore<K, VL, VR> | undefined;
      let tracker!: TimeTracker;
      let taskId = '';

      /** Kafka Streams' emitNonJoinedOuterRecords: every waiting record whose window closed, oldest first. */
      const emitClosed = (record: Record<K, VThis>, store: OuterJoinStore<K, VL, VR>): void => {
        if (tracker.minTimeMs + side.afterMs + side.graceMs >= tracker.streamTimeMs) return;
        tracker.minTimeMs = Number.MAX_SAFE_INTEGER;
        const emitted: TimestampedKeyAndJoinSide<K>[] = [];
        let leftOpen = false;
        let rightOpen = false;
        for (const { key, value: waiting } of store.all()) {
          tracker.minTimeMs = key.timestampMs;
          if (leftOpen && rightOpen) break;
          const lookBackMs = key.leftSide ? side.windowAfterMs : side.windowBeforeMs;
          if (tracker.minTimeMs + lookBackMs + side.graceMs >= tracker.streamTimeMs) {
            if (key.leftSide) leftOpen = true;
            else rightOpen = true;
            continue;
          }
          for (const { left, right } of waiting)
            context.forward(
              new Record(key.key, joiner(left, right, key.key), key.timestampMs, record.headers),
            );
          emitted.push(key);
        }
        for (const key of emitted) store.put(key, null);
      };

      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<K, VOut>;
          otherStore = ctx.getStateStore<WindowStore<K, VOther>>(side.otherStoreName);
          if (side.outerStoreName)
            outerStore = ctx.getStateStore<OuterJoinStore<K, VL, VR>>(side.outerStoreName);
          taskId = ctx.taskId.toString();
          tracker = side.trackers.get(taskId);
        },
        process(record) {
          const { key, value, timestampMs } = record;
          if (timestampMs > tracker.streamTimeMs) tracker.streamTimeMs = timestampMs;
          const nullKey = key === null || key === undefined;
          if (outer && nullKey && value !== null && value !== undefined) {
            context.forward(record.withValue(join(key, value, null)));
            return;
          }
          if (nullKey || value === null || value === undefined) {
            context.recordDropped('null-key-or-value-join');
            return;
          }
          if (outerStore && timestampMs === tracker.streamTimeMs) emitClosed(record, outerStore);
          const fromMs = Math.max(0, timestampMs - side.beforeMs);
          const toMs = Math.max(0, timestampMs + side.afterMs);
          let joined = false;
          for (const other of otherStore.fetch(key, fromMs, toMs)) {
            joined = true;
            // The partner no longer waits (Kafka Streams: putIfAbsent(key, null), a delete if present).
            const partner = sideKey(key, other.key, !thisIsLeft);
            if (outerStore && outerStore.get(partner) !== null) outerStore.put(partner, null);
            const joinedValue = join(key, value, other.value);
            context.forward(new Record(key, joinedValue, Math.max(timestampMs, other.key), record.headers));
          }
          if (!outer || joined) return;
          // A record too late to ever meet a partner is emitted at once; others wait for their window.
          if (!outerStore || toMs < tracker.streamTimeMs) {
            context.forward(record.withValue(join(key, value, null)));
            return;
          }
          if (timestampMs < tracker.minTimeMs) tracker.minTimeMs = timestampMs;
          const waitingKey = sideKey(key, timestampMs, thisIsLeft);
          const waiting = outerStore.get(waitingKey) ?? [];
          // This side's value type is VL on the left side and VR on the right one.
          const entry = thisIsLeft
            ? { left: value as unknown as VL, right: null }
            : { left: null, right: value as unknown as VR };
          outerStore.put(waitingKey, [...waiting, entry]);
        },
        close() {
          side.trackers.remove(taskId);
        },
      };
    },
  };
}
