import type { KeyValue, KeyValueStore } from '../../../state-stores/key-value-store.js';
import type { ProcessorContext, ProcessorSupplier } from '../processor.js';
import { type Change, change } from './change.js';
import { forwardsOnFlush } from './store-forwarding.js';

/**
 * KTable.filter / mapValues: applies `fn` to both the new and the old value, so downstream
 * aggregations can subtract what the table held before. Materialized tables also keep the result.
 */
export function tableTransformSupplier<K, V, V2>(
  fn: (value: V, key: K) => V2 | null,
  storeName: string | undefined,
): ProcessorSupplier<K, Change<V>, K, Change<V2>> {
  return {
    get() {
      let context!: ProcessorContext<K, Change<V2>>;
      let store: KeyValueStore<K, V2> | undefined;
      let storeForwards = false;
      return {
        init(ctx) {
          context = ctx;
          if (storeName) {
            store = ctx.getStateStore<KeyValueStore<K, V2>>(storeName);
            storeForwards = forwardsOnFlush(store, ctx);
          }
        },
        process(record) {
          const { newValue, oldValue } = record.value;
          const next = newValue === null ? null : fn(newValue, record.key);
          const previous = store
            ? store.get(record.key)
            : oldValue === null
              ? null
              : fn(oldValue, record.key);
          if (next === null && previous === null) return;
          store?.put(record.key, next);
          if (!storeForwards) context.forward(record.withValue(change(next, previous)));
        },
      };
    },
  };
}

/** KTable.toStream: the new value only (null for a deletion). */
export function tableToStreamSupplier<K, V>(): ProcessorSupplier<K, Change<V>, K, V | null> {
  return {
    get() {
      let context!: ProcessorContext<K, V | null>;
      return {
        init(ctx) {
          context = ctx;
        },
        process(record) {
          context.forward(record.withValue(record.value.newValue));
        },
      };
    },
  };
}

/**
 * KTable.groupBy: re-keys each update. The old value goes out first as a subtraction, then the new
 * one as an addition, each under the key the selector gives it.
 */
export function tableRepartitionMapSupplier<K, V, K2, V2>(
  selector: (key: K, value: V) => KeyValue<K2, V2>,
): ProcessorSupplier<K, Change<V>, K2, Change<V2>> {
  return {
    get() {
      let context!: ProcessorContext<K2, Change<V2>>;
      return {
        init(ctx) {
          context = ctx;
        },
        process(record) {
          const { newValue, oldValue } = record.value;
          if (oldValue !== null) {
            const old = selector(record.key, oldValue);
            context.forward(record.withKey(old.key).withValue(change<V2>(null, old.value)));
          }
          if (newValue !== null) {
            const next = selector(record.key, newValue);
            context.forward(record.withKey(next.key).withValue(change<V2>(next.value, null)));
          }
        },
      };
    },
  };
}
