import type { Serde } from '../engine/serdes/serde.js';
import type { KeyValueStore } from './key-value-store.js';
import { MeteredKeyValueStore } from './key-value-store-impl.js';
import { SessionStoreBuilder } from './session-store-builder.js';
import type { StateStore } from './state-store.js';
import { type ValueAndTimestamp, valueAndTimestampSerde } from './value-and-timestamp.js';
import { WindowStoreBuilder, type WindowStoreSpec } from './window-store-builder.js';

export type StoreType = 'in-memory' | 'persistent';

/** Builds one store instance per task. Logging (a changelog topic) is on unless disabled. */
export interface StoreBuilder<S extends StateStore> {
  readonly name: string;
  readonly loggingEnabled: boolean;
  /** Whether the stores it builds keep their state on disk (standby replicas need that). */
  readonly persistent: boolean;
  /** The changelog topic's configs (cleanup policy for the store type, plus the user's). */
  changelogConfig(): Record<string, string>;
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

interface KeyValueStoreOptions {
  readonly loggingEnabled: boolean;
  readonly logConfig: Readonly<Record<string, string>>;
  readonly cachingEnabled: boolean;
  readonly storeType: StoreType;
}

const DEFAULT_OPTIONS: KeyValueStoreOptions = {
  loggingEnabled: true,
  logConfig: {},
  cachingEnabled: false,
  storeType: 'in-memory',
};

/** Key-value store builder; the DSL may leave serdes out and take the config defaults. */
export class KeyValueStoreBuilder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {
  constructor(
    readonly name: string,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
    private readonly options: KeyValueStoreOptions = DEFAULT_OPTIONS,
  ) {}

  get loggingEnabled(): boolean {
    return this.options.loggingEnabled;
  }

  changelogConfig(): Record<string, string> {
    return { 'cleanup.policy': 'compact', ...this.options.logConfig };
  }

  get storeType(): StoreType {
    return this.options.storeType;
  }

  get persistent(): boolean {
    return this.options.storeType === 'persistent';
  }

  withLoggingEnabled(config: Record<string, string> = {}): KeyValueStoreBuilder<K, V> {
    return this.with({ loggingEnabled: true, logConfig: config });
  }

  withLoggingDisabled(): KeyValueStoreBuilder<K, V> {
    return this.with({ loggingEnabled: false, logConfig: {} });
  }

  withCachingEnabled(): KeyValueStoreBuilder<K, V> {
    return this.with({ cachingEnabled: true });
  }

  withCachingDisabled(): KeyValueStoreBuilder<K, V> {
    return this.with({ cachingEnabled: false });
  }

  /** 'persistent' keeps the store on disk (LMDB) under the state directory; 'in-memory' (the default here) does not. */
  withStoreType(storeType: StoreType): KeyValueStoreBuilder<K, V> {
    return this.with({ storeType });
  }

  build(defaults?: SerdeDefaults): KeyValueStore<K, V> {
    const keySerde = (this.keySerde ?? defaults?.keySerde) as Serde<K> | undefined;
    const valueSerde = (this.valueSerde ?? defaults?.valueSerde) as Serde<V> | undefined;
    if (!keySerde || !valueSerde) {
      throw new Error(
        `state store ${this.name} has no ${keySerde ? 'value' : 'key'} serde: pass one with Materialized.with(...) or set defaultKeySerde/defaultValueSerde in the config`,
      );
    }
    const { loggingEnabled, cachingEnabled, storeType } = this.options;
    return new MeteredKeyValueStore(
      this.name,
      keySerde,
      valueSerde,
      loggingEnabled,
      cachingEnabled,
      storeType === 'persistent',
    );
  }

  private with(changes: Partial<KeyValueStoreOptions>): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder(this.name, this.keySerde, this.valueSerde, {
      ...this.options,
      ...changes,
    });
  }
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
  ): KeyValueStoreBuilder<K, ValueAndTimestamp<V>> {
    return new KeyValueStoreBuilder(name, keySerde, valueAndTimestampSerde(valueSerde));
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
