import type { Serde } from '../engine/serdes/serde.js';
import { KeyValueStoreBuilder, TimestampedKeyValueStoreBuilder } from './key-value-store-builder.js';
import { SessionStoreBuilder } from './session-store-builder.js';
import { VersionedKeyValueStoreBuilder } from './versioned-key-value-store-builder.js';
import { WindowStoreBuilder, type WindowStoreSpec } from './window-store-builder.js';

/** What `Materialized.as` takes to keep a table in a versioned store: its name and history retention. */
export interface VersionedStoreSupplier {
  readonly name: string;
  readonly historyRetentionMs: number;
}

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
  /** A store of each key's versions by timestamp, kept for `historyRetentionMs` of stream time (KIP-889). */
  versionedKeyValueStoreBuilder<K, V>(
    name: string,
    historyRetentionMs: number,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): VersionedKeyValueStoreBuilder<K, V> {
    return new VersionedKeyValueStoreBuilder(name, historyRetentionMs, keySerde, valueSerde);
  },
  /**
   * A versioned store for a DSL table (`Materialized.as(Stores.persistentVersionedKeyValueStore(name,
   * historyRetentionMs))`), as Kafka Streams': the table keeps its history, and stream-table joins
   * look its values up as of each stream record's time.
   */
  persistentVersionedKeyValueStore(name: string, historyRetentionMs: number): VersionedStoreSupplier {
    if (!name) throw new Error('Stores.persistentVersionedKeyValueStore: the name must not be empty');
    if (!(historyRetentionMs >= 0))
      throw new Error(`Stores.persistentVersionedKeyValueStore(${name}): historyRetentionMs must be >= 0`);
    return { name, historyRetentionMs };
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
