import { KeyValueStoreBuilder } from '../../../state-stores/store-builder.js';
import type { Serde } from '../../serdes/serde.js';
import type { Materialized } from '../materialized.js';

/**
 * The store builder a DSL operation materializes into, honouring Materialized's logging and caching
 * choices. DSL stores cache by default, as in Kafka Streams.
 */
export function keyValueStoreFor<K, V>(
  storeName: string,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
  materialized: Materialized<K, V> | undefined,
): KeyValueStoreBuilder<K, V> {
  const store = new KeyValueStoreBuilder<K, V>(storeName, keySerde, valueSerde).withCachingEnabled();
  if (!materialized) return store;
  const logged = materialized.loggingEnabled
    ? store.withLoggingEnabled({ ...materialized.logConfig })
    : store.withLoggingDisabled();
  return materialized.cachingEnabled ? logged : logged.withCachingDisabled();
}
