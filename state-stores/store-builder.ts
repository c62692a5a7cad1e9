import type { Serde } from '../engine/serdes/serde.js';
import type { KeyValueStore } from './key-value-store.js';
import { MeteredKeyValueStore } from './key-value-store-impl.js';
import type { StateStore } from './state-store.js';

/** Builds one store instance per task. Logging (a changelog topic) is on unless disabled. */
export interface StoreBuilder<S extends StateStore> {
  readonly name: string;
  readonly loggingEnabled: boolean;
  /** Extra topic configs for the changelog topic. */
  readonly logConfig: Readonly<Record<string, string>>;
  withLoggingEnabled(config?: Record<string, string>): StoreBuilder<S>;
  withLoggingDisabled(): StoreBuilder<S>;
  /** Puts a write-back cache in front of the store (bounded by the instance's cacheMaxBytes). */
  withCachingEnabled(): StoreBuilder<S>;
  withCachingDisabled(): StoreBuilder<S>;
  /** `defaults` are the config's default serdes, for stores built without serdes of their own. */
  build(defaults?: SerdeDefaults): S;
}

export interface SerdeDefaults {
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
}

/** Key-value store builder; the DSL may leave serdes out and take the config defaults. */
export class KeyValueStoreBuilder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {
  constructor(
    readonly name: string,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
    readonly loggingEnabled = true,
    readonly logConfig: Readonly<Record<string, string>> = {},
    readonly cachingEnabled = false,
  ) {}

  withLoggingEnabled(config: Record<string, string> = {}): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder(
      this.name,
      this.keySerde,
      this.valueSerde,
      true,
      config,
      this.cachingEnabled,
    );
  }

  withLoggingDisabled(): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder(
      this.name,
      this.keySerde,
      this.valueSerde,
      false,
      {},
      this.cachingEnabled,
    );
  }

  withCachingEnabled(): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder(
      this.name,
      this.keySerde,
      this.valueSerde,
      this.loggingEnabled,
      this.logConfig,
      true,
    );
  }

  withCachingDisabled(): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder(
      this.name,
      this.keySerde,
      this.valueSerde,
      this.loggingEnabled,
      this.logConfig,
      false,
    );
  }

  build(defaults?: SerdeDefaults): KeyValueStore<K, V> {
    const keySerde = (this.keySerde ?? defaults?.keySerde) as Serde<K> | undefined;
    const valueSerde = (this.valueSerde ?? defaults?.valueSerde) as Serde<V> | undefined;
    if (!keySerde || !valueSerde) {
      throw new Error(
        `state store ${this.name} has no ${keySerde ? 'value' : 'key'} serde: pass one with Materialized.with(...) or set defaultKeySerde/defaultValueSerde in the config`,
      );
    }
    return new MeteredKeyValueStore(
      this.name,
      keySerde,
      valueSerde,
      this.loggingEnabled,
      this.cachingEnabled,
    );
  }
}

/** Factory for store builders, as Kafka Streams' `Stores`. */
export const Stores = {
  keyValueStoreBuilder<K, V>(
    name: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): StoreBuilder<KeyValueStore<K, V>> {
    return new KeyValueStoreBuilder(name, keySerde, valueSerde);
  },
} as const;
