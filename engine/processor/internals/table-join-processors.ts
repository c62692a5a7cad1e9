import type { KeyValueStore } from '../../../state-stores/key-value-store.js';
import type { ValueAndTimestamp } from '../../../state-stores/value-and-timestamp.js';
import type { ProcessorSupplier } from '../processor.js';
import { Record } from '../record.js';
import { type Change, change, isOutOfOrder } from './change.js';
import type { InternalProcessorContext } from './internal-context.js';
import { TimestampedTupleForwarder } from './store-forwarding.js';
import type { KTableValueGetterSupplier } from './value-getters.js';

/**
 * Which rows a table-table join keeps, seen from the side whose update is processed: `inner` needs
 * both, `left` keeps this side's rows, `right` is the other side of a left join (it keeps the
 * other side's rows), `outer` keeps either.
 */
export type TableJoinSide = 'inner' | 'left' | 'right' | 'outer';

/** Whether downstream asked for old values (a groupBy); set while the DSL graph is built. */
export interface OldValues {
  sent: boolean;
}

/** A joiner that gets this side's value first: for the other side it is the user's joiner reversed. */
export type SideJoiner<V, VO, VR> = (value: V | null, other: VO | null) => VR;

/**
 * One side of KTable.join / leftJoin / outerJoin, as Kafka Streams' KTableKTable{Inner,Left,Right,
 * Outer}Join processors: an update of this side looks the key up in the other table and forwards
 * the joined Change, stamped with the later of the two timestamps. Null keys are dropped.
 */
export function tableJoinSupplier<K, V, VO, VR>(
  side: TableJoinSide,
  other: KTableValueGetterSupplier<K, VO>,
  joiner: SideJoiner<V, VO, VR>,
  oldValues: OldValues,
): ProcessorSupplier<K, Change<V>, K, Change<VR>> {
  return {
    get() {
      let context!: InternalProcessorContext<K, Change<VR>>;
      const getter = other.get();
      const keepsThis = side === 'left' || side === 'outer';
      const keepsOther = side === 'right' || side === 'outer';
      const joined = (value: V | null, otherValue: VO | null): VR | null =>
        value !== null || (keepsOther && otherValue !== null) ? joiner(value, otherValue) : null;
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<K, Change<VR>>;
          getter.init(ctx);
        },
        process(record) {
          if (record.key === null || record.key === undefined) {
            context.recordDropped('null-key');
            return;
          }
          // An out-of-order update of a versioned table changes no join result (KIP-914).
          if (isOutOfOrder(record.value)) {
            context.recordDropped('out-of-order-versioned-update');
            return;
          }
          const { newValue, oldValue } = record.value;
          const found = getter.get(record.key);
          const otherValue = found === null ? null : found.value;
          if (otherValue === null && (!keepsThis || (newValue === null && oldValue === null))) return;
          const timestampMs =
            found === null ? record.timestampMs : Math.max(record.timestampMs, found.timestampMs);
          const previous = oldValues.sent ? joined(oldValue, otherValue) : null;
          const next = joined(newValue, otherValue);
          context.forward(new Record(record.key, change(next, previous), timestampMs, record.headers));
        },
      };
    },
  };
}

/**
 * The join's result table, as Kafka Streams' KTableKTableJoinMerger: both sides' updates in one
 * stream; kept in a store when materialized (then a cache forwards on flush).
 */
export function tableJoinMergeSupplier<K, VR>(
  storeName: string | undefined,
  oldValues: OldValues,
): ProcessorSupplier<K, Change<VR>, K, Change<VR>> {
  return {
    get() {
      let context!: InternalProcessorContext<K, Change<VR>>;
      let store: KeyValueStore<K, ValueAndTimestamp<VR>> | undefined;
      let forwarder: TimestampedTupleForwarder<K, VR> | undefined;
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<K, Change<VR>>;
          if (storeName === undefined) return;
          store = ctx.getStateStore<KeyValueStore<K, ValueAndTimestamp<VR>>>(storeName);
          forwarder = new TimestampedTupleForwarder(store, context);
        },
        process(record) {
          const { newValue, oldValue } = record.value;
          if (store && forwarder) {
            store.put(
              record.key,
              newValue === null ? null : { value: newValue, timestampMs: record.timestampMs },
            );
            forwarder.maybeForward(record, newValue, oldValues.sent ? oldValue : null, record.timestampMs);
          } else context.forward(oldValues.sent ? record : record.withValue(change(newValue, null)));
        },
      };
    },
  };
}

/**
 * The values of a join result nobody materialized (Kafka Streams' KTableKTable*JoinValueGetter):
 * both sides looked up and joined, stamped with the later timestamp; absent as the join says.
 */
export function joinedValueGetter<K, V, VO, VR>(
  side: Exclude<TableJoinSide, 'right'>,
  left: KTableValueGetterSupplier<K, V>,
  right: KTableValueGetterSupplier<K, VO>,
  joiner: SideJoiner<V, VO, VR>,
): KTableValueGetterSupplier<K, VR> {
  return {
    storeNames: [...left.storeNames, ...right.storeNames],
    get() {
      const leftGetter = left.get();
      const rightGetter = right.get();
      return {
        init(context) {
          leftGetter.init(context);
          rightGetter.init(context);
        },
        get(key) {
          const l = leftGetter.get(key);
          if (l === null && side !== 'outer') return null;
          const r = rightGetter.get(key);
          if (r === null && (side === 'inner' || l === null)) return null;
          const timestampMs = Math.max(l?.timestampMs ?? -1, r?.timestampMs ?? -1);
          return { value: joiner(l?.value ?? null, r?.value ?? null), timestampMs };
        },
        // An unmaterialized join result has no history, whatever its inputs keep (as Kafka Streams).
        isVersioned: () => false,
      };
    },
  };
}
