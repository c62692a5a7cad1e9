import type { ProcessorSupplier } from '../../processor/processor.js';
import type { Serde } from '../../serdes/serde.js';
import { KTable } from '../ktable.js';
import type { Materialized } from '../materialized.js';
import { keyValueStoreFor } from './materialize.js';
import type { StreamNode } from './stream-node.js';

/**
 * Adds a processor that owns a key-value store and emits table updates (aggregations, table
 * sources, toTable), and returns the KTable it produces.
 */
export function addMaterializedTable<K, V>(
  builder: StreamNode['builder'],
  processorName: string,
  parentName: string,
  storeName: string,
  supplier: ProcessorSupplier<never, never, unknown, unknown>,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
  materialized: Materialized<K, V> | undefined,
): KTable<K, V> {
  builder.addProcessor(processorName, supplier, [parentName]);
  builder.addStateStore(keyValueStoreFor(storeName, keySerde, valueSerde, materialized), processorName);
  return new KTable<K, V>(
    builder,
    processorName,
    keySerde as Serde<unknown>,
    valueSerde as Serde<unknown>,
    storeName,
  );
}
