import type { KeyValueStore } from '../../../state-stores/key-value-store.js';
import type { ProcessorSupplier } from '../processor.js';
import type { InternalProcessorContext } from './internal-context.js';

/**
 * KStream-KTable join: each stream record looks up the table's current value for its key. An inner
 * join drops records without a match; a left join calls the joiner with null. Table updates do not
 * emit. Records with a null key (or, for inner joins, a null value) are dropped and counted.
 */
export function streamTableJoinSupplier<K, V, VT, VR>(
  tableStore: string,
  joiner: (value: V, tableValue: VT | null, key: K) => VR,
  leftJoin: boolean,
): ProcessorSupplier<K, V, K, VR> {
  return {
    get() {
      let context!: InternalProcessorContext<K, VR>;
      let store!: KeyValueStore<K, VT>;
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<K, VR>;
          store = ctx.getStateStore<KeyValueStore<K, VT>>(tableStore);
        },
        process(record) {
          if (record.key === null || record.key === undefined || (!leftJoin && record.value === null)) {
            context.recordDropped('null-key-or-value-join');
            return;
          }
          const tableValue = store.get(record.key);
          if (tableValue === null && !leftJoin) return;
          context.forward(record.withValue(joiner(record.value, tableValue, record.key)));
        },
      };
    },
  };
}
