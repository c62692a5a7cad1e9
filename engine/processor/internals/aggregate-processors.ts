import type { KeyValueStore } from '../../../state-stores/key-value-store.js';
import type { ValueAndTimestamp } from '../../../state-stores/value-and-timestamp.js';
import type { ProcessorSupplier } from '../processor.js';
import type { Record } from '../record.js';
import { type Change, change } from './change.js';
import type { InternalProcessorContext } from './internal-context.js';
import type { SendsOldValues } from './sends-old-values.js';
import { TimestampedTupleForwarder } from './store-forwarding.js';
import { TableStore } from './table-store.js';

/** What an update computes: the new aggregate, its timestamp, and the old value to forward with it. */
interface Update<V> {
  readonly value: V | null;
  readonly timestampMs: number;
  readonly old: V | null;
}

/**
 * A processor over one timestamped key-value store that forwards table updates (Change(new, old);
 * the old value only once downstream asks, SendsOldValues), stamped with the timestamp the update
 * computes. `update` returns undefined to skip the record.
 */
function storeUpdatingSupplier<K, VIn, VAgg>(
  storeName: string,
  update: (
    record: Record<K, VIn>,
    current: ValueAndTimestamp<VAgg> | null,
    context: InternalProcessorContext<K, Change<VAgg>>,
  ) => Update<VAgg> | undefined,
): ProcessorSupplier<K, VIn, K, Change<VAgg>> & SendsOldValues {
  let sendOldValues = false;
  return {
    enableSendingOldValues() {
      sendOldValues = true;
    },
    get() {
      let context!: InternalProcessorContext<K, Change<VAgg>>;
      let store!: KeyValueStore<K, ValueAndTimestamp<VAgg>>;
      let forwarder!: TimestampedTupleForwarder<K, VAgg>;
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<K, Change<VAgg>>;
          store = ctx.getStateStore<KeyValueStore<K, ValueAndTimestamp<VAgg>>>(storeName);
          forwarder = new TimestampedTupleForwarder(store, context, sendOldValues);
        },
        process(record) {
          if (record.key === null || record.key === undefined) {
            context.recordDropped('null-key');
            return;
          }
          const next = update(record, store.get(record.key), context);
          if (next === undefined) return;
          const { value, timestampMs, old } = next;
          store.put(record.key, value === null ? null : { value, timestampMs });
          forwarder.maybeForward(record, value, old, timestampMs);
        },
      };
    },
  };
}

/** The later of a record's timestamp and the aggregate's: an aggregate is as new as its newest input. */
function laterOf(timestampMs: number, current: ValueAndTimestamp<unknown> | null): number {
  return current === null ? timestampMs : Math.max(timestampMs, current.timestampMs);
}

/**
 * KGroupedStream.aggregate (and count), as Kafka Streams' KStreamAggregate: null keys and values are
 * dropped; the old value forwarded for a new key is the initializer's (Kafka Streams sends the
 * initialized aggregate when old values are asked for).
 */
export function streamAggregateSupplier<K, V, VAgg>(
  storeName: string,
  initializer: () => VAgg,
  aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
) {
  return storeUpdatingSupplier<K, V, VAgg>(storeName, (record, current, context) => {
    if (record.value === null || record.value === undefined) {
      context.recordDropped('null-value');
      return undefined;
    }
    const old = current === null ? initializer() : current.value;
    return {
      value: aggregator(record.key, record.value, old),
      timestampMs: laterOf(record.timestampMs, current),
      old,
    };
  });
}

/** KGroupedStream.reduce, as Kafka Streams' KStreamReduce: the first value is the aggregate. */
export function streamReduceSupplier<K, V>(storeName: string, reducer: (aggregate: V, value: V) => V) {
  return storeUpdatingSupplier<K, V, V>(storeName, (record, current, context) => {
    if (record.value === null || record.value === undefined) {
      context.recordDropped('null-value');
      return undefined;
    }
    return {
      value: current === null ? record.value : reducer(current.value, record.value),
      timestampMs: laterOf(record.timestampMs, current),
      old: current?.value ?? null,
    };
  });
}

/**
 * KGroupedTable.aggregate, as Kafka Streams' KTableAggregate: subtract the old value (when there is
 * an aggregate to subtract from), then add the new one; a subtract-and-add arrives as one update.
 */
export function tableAggregateSupplier<K, V, VAgg>(
  storeName: string,
  initializer: () => VAgg,
  adder: (key: K, value: V, aggregate: VAgg) => VAgg,
  subtractor: (key: K, value: V, aggregate: VAgg) => VAgg,
) {
  return storeUpdatingSupplier<K, Change<V>, VAgg>(storeName, (record, current) => {
    const { newValue, oldValue } = record.value;
    const old: VAgg | null = current?.value ?? null;
    let aggregate = old;
    let timestampMs = record.timestampMs;
    if (oldValue !== null && old !== null) {
      aggregate = subtractor(record.key, oldValue, old);
      timestampMs = laterOf(record.timestampMs, current);
    }
    if (newValue !== null) {
      aggregate = adder(record.key, newValue, aggregate ?? initializer());
      timestampMs = laterOf(record.timestampMs, current);
    }
    return { value: aggregate, timestampMs, old };
  });
}

/** KGroupedTable.reduce, as Kafka Streams' KTableReduce. */
export function tableReduceSupplier<K, V>(
  storeName: string,
  adder: (aggregate: V, value: V) => V,
  subtractor: (aggregate: V, value: V) => V,
) {
  return storeUpdatingSupplier<K, Change<V>, V>(storeName, (record, current) => {
    const { newValue, oldValue } = record.value;
    const old: V | null = current?.value ?? null;
    let aggregate = old;
    let timestampMs = record.timestampMs;
    if (oldValue !== null && old !== null) {
      aggregate = subtractor(old, oldValue);
      timestampMs = laterOf(record.timestampMs, current);
    }
    if (newValue !== null) {
      if (aggregate === null) aggregate = newValue;
      else {
        aggregate = adder(aggregate, newValue);
        timestampMs = laterOf(record.timestampMs, current);
      }
    }
    return { value: aggregate, timestampMs, old };
  });
}

/**
 * builder.table() / KStream.toTable(), as Kafka Streams' KTableSource: the latest value per key,
 * stamped with its record's timestamp; null deletes (a tombstone, forwarded even for a key never
 * seen). Without a store (nothing needs the table's values) each update goes on as it is, with no
 * old value. Records with a null key are dropped.
 */
export function tableSourceSupplier<K, V>(
  storeName: string | undefined,
): ProcessorSupplier<K, V | null, K, Change<V>> {
  return {
    get() {
      let context!: InternalProcessorContext<K, Change<V>>;
      let store: TableStore<K, V> | undefined;
      let forwarder: TimestampedTupleForwarder<K, V> | undefined;
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<K, Change<V>>;
          if (storeName === undefined) return;
          store = TableStore.of<K, V>(ctx.getStateStore(storeName));
          forwarder = new TimestampedTupleForwarder(store.store, context);
        },
        process(record) {
          if (record.key === null || record.key === undefined) {
            context.recordDropped('null-key');
            return;
          }
          const value = record.value ?? null;
          if (!store || !forwarder) {
            context.forward(record.withValue(change(value, null)));
            return;
          }
          const old = store.get(record.key)?.value ?? null;
          const put = store.put(record.key, value, record.timestampMs);
          // A versioned table takes an out-of-order update into its history, and says so downstream.
          if (put === 'not-put') context.recordDropped('expired-versioned-put');
          else forwarder.maybeForward(record, value, old, record.timestampMs, put === 'latest');
        },
      };
    },
  };
}
