import {
  KeyValueStoreBuilder,
  TimestampedKeyValueStoreBuilder,
} from '../../../state-stores/key-value-store-builder.js';
import { SessionStoreBuilder } from '../../../state-stores/session-store-builder.js';
import type { StateStore } from '../../../state-stores/state-store.js';
import type { BaseStoreBuilder } from '../../../state-stores/store-builder.js';
import { VersionedKeyValueStoreBuilder } from '../../../state-stores/versioned-key-value-store-builder.js';
import {
  TimestampedWindowStoreBuilder,
  type WindowStoreSpec,
} from '../../../state-stores/window-store-builder.js';
import type { Serde } from '../../serdes/serde.js';
import { Serdes } from '../../serdes/serdes.js';
import { TopologyError } from '../../topology/topology-error.js';
import { Materialized } from '../materialized.js';

/**
 * The store a DSL operation materializes into: timestamped, with Materialized's logging, caching
 * and store type, or Materialized's defaults (persistent, logged, cached, as in Kafka Streams).
 */
export function keyValueStoreFor<K, V>(
  storeName: string,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
  materialized: Materialized<K, V> | undefined,
): TimestampedKeyValueStoreBuilder<K, V> {
  if (materialized?.versionedHistoryRetentionMs !== undefined)
    throw new TopologyError(
      `store ${storeName}: a versioned store keeps a table read from a topic (builder.table, toTable) or a filter/mapValues of one; use a plain Materialized.as(name) here`,
    );
  return layered(
    new TimestampedKeyValueStoreBuilder<K, V>(storeName, keySerde, valueSerde),
    materialized ?? Materialized.with<K, V>(keySerde, valueSerde),
  );
}

/**
 * The store of a table read from a topic, or of a filter/mapValues of a table: versioned when
 * Materialized says so (never cached then), else as keyValueStoreFor.
 */
export function tableStoreFor<K, V>(
  storeName: string,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
  materialized: Materialized<K, V> | undefined,
): TimestampedKeyValueStoreBuilder<K, V> | VersionedKeyValueStoreBuilder<K, V> {
  const retentionMs = materialized?.versionedHistoryRetentionMs;
  if (retentionMs === undefined) return keyValueStoreFor(storeName, keySerde, valueSerde, materialized);
  const store = new VersionedKeyValueStoreBuilder<K, V>(storeName, retentionMs, keySerde, valueSerde);
  return materialized!.loggingEnabled
    ? store.withLoggingEnabled({ ...materialized!.logConfig })
    : store.withLoggingDisabled();
}

/** The window store of a windowed aggregation, as keyValueStoreFor. */
export function windowStoreFor<K, V>(
  storeName: string,
  spec: WindowStoreSpec,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
  materialized: Materialized<K, V> | undefined,
): TimestampedWindowStoreBuilder<K, V> {
  return layered(
    new TimestampedWindowStoreBuilder<K, V>(storeName, spec, keySerde, valueSerde),
    materialized ?? Materialized.with<K, V>(keySerde, valueSerde),
  );
}

/** The session store of a session-windowed aggregation, as keyValueStoreFor (values not timestamped, as in Kafka Streams). */
export function sessionStoreFor<K, V>(
  storeName: string,
  retentionMs: number,
  keySerde: Serde<K> | undefined,
  valueSerde: Serde<V> | undefined,
  materialized: Materialized<K, V> | undefined,
): SessionStoreBuilder<K, V> {
  return layered(
    new SessionStoreBuilder<K, V>(storeName, retentionMs, keySerde, valueSerde),
    materialized ?? Materialized.with<K, V>(keySerde, valueSerde),
  );
}

function layered<B extends BaseStoreBuilder<StateStore>, K, V>(store: B, options: Materialized<K, V>): B {
  const typed = store.withStoreType(options.storeType);
  const logged = options.loggingEnabled
    ? typed.withLoggingEnabled({ ...options.logConfig })
    : typed.withLoggingDisabled();
  return options.cachingEnabled ? logged.withCachingEnabled() : logged;
}

/**
 * Where an `onWindowClose()` aggregation keeps the close time of its last emit (Kafka Streams keeps
 * it in the commit's metadata): one logged entry per task, restored with the window store.
 */
export function lastEmitTimeStore(windowStoreName: string): KeyValueStoreBuilder<string, number> {
  return new KeyValueStoreBuilder(`${windowStoreName}-last-emit-time`, Serdes.String(), Serdes.Long());
}
