import type { KeyValueStore } from '../../../state-stores/key-value-store.js';
import type { ValueAndTimestamp } from '../../../state-stores/value-and-timestamp.js';
import type { ProcessorSupplier } from '../processor.js';
import type { InternalProcessorContext } from './internal-context.js';

/**
 * KStream-KTable join, as Kafka Streams' KStreamKTableJoinProcessor: each stream record looks up the
 * table's current value for its key. An inner join drops records without a match; a left join calls
 * the joiner with null. Table updates do not emit. Records with a null value are dropped and counted,
 * and so are null keys, except that a left join joins a null-key record with null (KIP-962).
 */
export function streamTableJoinSupplier<K, V, VT, VR>(
  tableStore: string,
  joiner: (value: V, tableValue: VT | null, key: K) => VR,
  leftJoin: boolean,
): ProcessorSupplier<K, V, K, VR> {
  return {
    get() {
      let context!: InternalProcessorContext<K, VR>;
      let store!: KeyValueStore<K, ValueAndTimestamp<VT>>;
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<K, VR>;
          store = ctx.getStateStore<KeyValueStore<K, ValueAndTimestamp<VT>>>(tableStore);
        },
        process(record) {
          const nullKey = record.key === null || record.key === undefined;
          if (record.value === null || record.value === undefined || (nullKey && !leftJoin)) {
            context.recordDropped('null-key-or-value-join');
            return;
          }
          const tableValue = nullKey ? null : (store.get(record.key)?.value ?? null);
          if (tableValue === null && !leftJoin) return;
          context.forward(record.withValue(joiner(record.value, tableValue, record.key)));
        },
      };
    },
  };
}
