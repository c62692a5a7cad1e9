import { isDeepStrictEqual } from 'node:util';
import type { KeyValue } from '../../../state-stores/key-value-store.js';
import type { ProcessorContext, ProcessorSupplier } from '../processor.js';
import { type Change, change, isOutOfOrder } from './change.js';
import type { InternalProcessorContext } from './internal-context.js';
import { TimestampedTupleForwarder } from './store-forwarding.js';
import { TableStore } from './table-store.js';

/**
 * KTable.filter / mapValues, as Kafka Streams' KTableFilter and KTableMapValues: applies `fn` to the
 * new value (a filter's drop is null), and to the old one, so downstream aggregations can subtract
 * what the table held before. Every update is forwarded, so a row the filter drops becomes a
 * tombstone even when the key was never seen (a cache in front of a materialized result suppresses
 * those, as Kafka Streams' does). Materialized results are kept, stamped with the record's timestamp.
 */
export function tableTransformSupplier<K, V, V2>(
  fn: (value: V, key: K) => V2 | null,
  storeName: string | undefined,
): ProcessorSupplier<K, Change<V>, K, Change<V2>> {
  return {
    get() {
      let context!: InternalProcessorContext<K, Change<V2>>;
      let store: TableStore<K, V2> | undefined;
      let forwarder: TimestampedTupleForwarder<K, V2> | undefined;
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<K, Change<V2>>;
          if (storeName) {
            store = TableStore.of<K, V2>(ctx.getStateStore(storeName));
            forwarder = new TimestampedTupleForwarder(store.store, ctx);
          }
        },
        process(record) {
          const { newValue, oldValue } = record.value;
          const next = newValue === null ? null : fn(newValue, record.key);
          if (!store || !forwarder) {
            const previous = oldValue === null ? null : fn(oldValue, record.key);
            context.forward(record.withValue(change(next, previous, !isOutOfOrder(record.value))));
            return;
          }
          const previous = store.get(record.key)?.value ?? null;
          const put = store.put(record.key, next, record.timestampMs);
          if (put === 'not-put') context.recordDropped('expired-versioned-put');
          else forwarder.maybeForward(record, next, previous, record.timestampMs, put === 'latest');
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
 * KTable.groupBy, as Kafka Streams' KTableRepartitionMap: re-keys each update. When the old and the
 * new value land in the same group, one update carries both, so the aggregation subtracts and adds
 * at once and emits one result (KIP-904); otherwise the old value goes out first as a subtraction,
 * then the new one as an addition. Pairs with a null key or value are skipped.
 */
export function tableRepartitionMapSupplier<K, V, K2, V2>(
  selector: (key: K, value: V) => KeyValue<K2, V2> | null,
): ProcessorSupplier<K, Change<V>, K2, Change<V2>> {
  return {
    get() {
      let context!: InternalProcessorContext<K2, Change<V2>>;
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<K2, Change<V2>>;
        },
        process(record) {
          // An out-of-order update of a versioned table changes no aggregate (KIP-914).
          if (isOutOfOrder(record.value)) {
            context.recordDropped('out-of-order-versioned-update');
            return;
          }
          const { newValue, oldValue } = record.value;
          const old = oldValue === null ? null : usable(selector(record.key, oldValue));
          const next = newValue === null ? null : usable(selector(record.key, newValue));
          if (old && next && sameKey(old.key, next.key)) {
            context.forward(record.withKey(next.key).withValue(change(next.value, old.value)));
            return;
          }
          if (old) context.forward(record.withKey(old.key).withValue(change<V2>(null, old.value)));
          if (next) context.forward(record.withKey(next.key).withValue(change<V2>(next.value, null)));
        },
      };
    },
  };
}

function usable<K, V>(pair: KeyValue<K, V> | null): KeyValue<K, V> | null {
  const missing = (x: unknown) => x === null || x === undefined;
  return !pair || missing(pair.key) || missing(pair.value) ? null : pair;
}

/** Keys as Java's equals() compares them: by value, also for objects and arrays. */
function sameKey(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && isDeepStrictEqual(a, b));
}
