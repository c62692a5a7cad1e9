import type { KeyValueStore } from '../../../state-stores/key-value-store.js';
import type { ProcessorSupplier } from '../processor.js';
import type { Record } from '../record.js';
import { type Change, change } from './change.js';
import type { InternalProcessorContext } from './internal-context.js';
import { forwardsOnFlush } from './store-forwarding.js';

/**
 * A processor over one key-value store that forwards table updates (Change(new, old)). `update`
 * returns the new aggregate for the record, or undefined to skip it.
 */
function storeUpdatingSupplier<K, VIn, VAgg>(
  storeName: string,
  update: (
    record: Record<K, VIn>,
    current: VAgg | null,
    context: InternalProcessorContext<K, Change<VAgg>>,
  ) => VAgg | null | undefined,
): ProcessorSupplier<K, VIn, K, Change<VAgg>> {
  return {
    get() {
      let context!: InternalProcessorContext<K, Change<VAgg>>;
      let store!: KeyValueStore<K, VAgg>;
      let storeForwards = false;
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<K, Change<VAgg>>;
          store = ctx.getStateStore<KeyValueStore<K, VAgg>>(storeName);
          storeForwards = forwardsOnFlush(store, context);
        },
        process(record) {
          if (record.key === null || record.key === undefined) {
            context.recordDropped('null-key');
            return;
          }
          const old = store.get(record.key);
          const next = update(record, old, context);
          if (next === undefined) return;
          store.put(record.key, next);
          if (!storeForwards) context.forward(record.withValue(change(next, old)));
        },
      };
    },
  };
}

/** KGroupedStream.aggregate (and count): null keys and values are dropped, as in Kafka Streams. */
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
    return aggregator(record.key, record.value, current ?? initializer());
  });
}

export function streamReduceSupplier<K, V>(storeName: string, reducer: (aggregate: V, value: V) => V) {
  return storeUpdatingSupplier<K, V, V>(storeName, (record, current, context) => {
    if (record.value === null || record.value === undefined) {
      context.recordDropped('null-value');
      return undefined;
    }
    return current === null ? record.value : reducer(current, record.value);
  });
}

/** KGroupedTable.aggregate: subtract the old value, add the new one. */
export function tableAggregateSupplier<K, V, VAgg>(
  storeName: string,
  initializer: () => VAgg,
  adder: (key: K, value: V, aggregate: VAgg) => VAgg,
  subtractor: (key: K, value: V, aggregate: VAgg) => VAgg,
) {
  return storeUpdatingSupplier<K, Change<V>, VAgg>(storeName, (record, current) => {
    let aggregate = current;
    const { newValue, oldValue } = record.value;
    if (oldValue !== null) aggregate = subtractor(record.key, oldValue, aggregate ?? initializer());
    if (newValue !== null) aggregate = adder(record.key, newValue, aggregate ?? initializer());
    return newValue === null && oldValue === null ? undefined : aggregate;
  });
}

export function tableReduceSupplier<K, V>(
  storeName: string,
  adder: (aggregate: V, value: V) => V,
  subtractor: (aggregate: V, value: V) => V,
) {
  return storeUpdatingSupplier<K, Change<V>, V>(storeName, (record, current) => {
    let aggregate = current;
    const { newValue, oldValue } = record.value;
    if (oldValue !== null && aggregate !== null) aggregate = subtractor(aggregate, oldValue);
    if (newValue !== null) aggregate = aggregate === null ? newValue : adder(aggregate, newValue);
    return newValue === null && oldValue === null ? undefined : aggregate;
  });
}

/** builder.table() / KStream.toTable(): the latest value per key; null deletes (a tombstone). */
export function tableSourceSupplier<K, V>(storeName: string) {
  return storeUpdatingSupplier<K, V, V>(storeName, (record) => record.value ?? null);
}
