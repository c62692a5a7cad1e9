import { TimestampedKeyValueStoreBuilder } from '../../../state-stores/store-builder.js';
import type { Serde } from '../../serdes/serde.js';
import { Materialized } from '../materialized.js';

/**
 * The store builder a DSL operation materializes into, honouring Materialized's logging and caching
 * choices. DSL stores are timestamped, persistent, logged and cached by default, as in Kafka Streams.
 */
export function keyValueStoreFor<K, V>(
  storeName: string,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
  materialized: Materialized<K, V> | undefined,
): TimestampedKeyValueStoreBuilder<K, V> {
  const options = materialized ?? Materialized.with<K, V>(keySerde, valueSerde);
  const store = new TimestampedKeyValueStoreBuilder<K, V>(storeName, keySerde, valueSerde).withStoreType(
    options.storeType,
  );
  const logged = options.loggingEnabled
    ? store.withLoggingEnabled({ ...options.logConfig })
    : store.withLoggingDisabled();
  return options.cachingEnabled ? logged.withCachingEnabled() : logged;
}
