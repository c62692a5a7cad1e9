import type { ProcessorSupplier } from '../processor.js';
import type { InternalProcessorContext } from './internal-context.js';
import type { KTableValueGetterSupplier } from './value-getters.js';

/**
 * KStream-KTable and KStream-GlobalKTable joins, as Kafka Streams' KStreamKTableJoinProcessor:
 * each stream record looks up the table's current value for the key `keyMapper` gives (the
 * record's own key for a KTable) through the table's value getter. An inner join drops records
 * without a match; a left join calls the joiner with null. Table updates do not emit. Records
 * with a null value or a null mapped key are dropped and counted, except that a left join keeps a
 * record whose own key is null (KIP-962).
 */
export function streamTableJoinSupplier<K, V, KT, VT, VR>(
  table: KTableValueGetterSupplier<KT, VT>,
  keyMapper: (key: K, value: V) => KT | null | undefined,
  joiner: (value: V, tableValue: VT | null, key: K) => VR,
  leftJoin: boolean,
): ProcessorSupplier<K, V, K, VR> {
  return {
    get() {
      let context!: InternalProcessorContext<K, VR>;
      const getter = table.get();
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<K, VR>;
          getter.init(ctx);
        },
        process(record) {
          const { key, value } = record;
          const noValue = value === null || value === undefined;
          const mappedKey = noValue ? null : keyMapper(key, value);
          const noMappedKey = mappedKey === null || mappedKey === undefined;
          const keptNullKey = leftJoin && !noValue && (key === null || key === undefined);
          if (noValue || (noMappedKey && !keptNullKey)) {
            context.recordDropped('null-key-or-value-join');
            return;
          }
          const tableValue = noMappedKey ? null : (getter.get(mappedKey)?.value ?? null);
          if (tableValue === null && !leftJoin) return;
          context.forward(record.withValue(joiner(value, tableValue, key)));
        },
      };
    },
  };
}

/** A KTable join's key mapper: the record's own key. */
export function ownKey<K>(key: K): K {
  return key;
}
