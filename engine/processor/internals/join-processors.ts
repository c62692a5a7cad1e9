import type { ProcessorSupplier } from '../processor.js';
import type { InternalProcessorContext } from './internal-context.js';
import type { KTableValueGetterSupplier } from './value-getters.js';

/**
 * KStream-KTable join, as Kafka Streams' KStreamKTableJoinProcessor: each stream record looks up the
 * table's current value for its key through the table's value getter. An inner join drops records
 * without a match; a left join calls the joiner with null. Table updates do not emit. Records with a
 * null value are dropped and counted, and so are null keys, except that a left join joins a null-key
 * record with null (KIP-962).
 */
export function streamTableJoinSupplier<K, V, VT, VR>(
  table: KTableValueGetterSupplier<K, VT>,
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
          const nullKey = record.key === null || record.key === undefined;
          if (record.value === null || record.value === undefined || (nullKey && !leftJoin)) {
            context.recordDropped('null-key-or-value-join');
            return;
          }
          const tableValue = nullKey ? null : (getter.get(record.key)?.value ?? null);
          if (tableValue === null && !leftJoin) return;
          context.forward(record.withValue(joiner(record.value, tableValue, record.key)));
        },
      };
    },
  };
}
