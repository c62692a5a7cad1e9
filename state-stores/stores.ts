import type { Serde } from '../engine/serdes/serde.js';
import { KeyValueStoreBuilder, TimestampedKeyValueStoreBuilder } from './key-value-store-builder.js';
import { SessionStoreBuilder } from './session-store-builder.js';
import { WindowStoreBuilder, type WindowStoreSpec } from './window-store-builder.js';

/** Factory for store builders, as Kafka Streams' `Stores`. */
export const Stores = {
  keyValueStoreBuilder<K, V>(
    name: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder(name, keySerde, valueSerde);
  },
  /** Values kept with the timestamp of the record that set them. */
  timestampedKeyValueStoreBuilder<K, V>(
    name: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): TimestampedKeyValueStoreBuilder<K, V> {
    return new TimestampedKeyValueStoreBuilder(name, keySerde, valueSerde);
  },
  windowStoreBuilder<K, V>(
    name: string,
    spec: WindowStoreSpec,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): WindowStoreBuilder<K, V> {
    return new WindowStoreBuilder(name, spec, keySerde, valueSerde);
  },
  sessionStoreBuilder<K, V>(
    name: string,
    retentionMs: number,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): SessionStoreBuilder<K, V> {
    return new SessionStoreBuilder(name, retentionMs, keySerde, valueSerde);
  },
} as const;
