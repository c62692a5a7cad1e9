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
  /** @internal */
  constructor(
    readonly name: string,
    /** @internal */ protected readonly keySerde: Serde<K> | undefined,
    /** @internal */ protected readonly valueSerde: Serde<V> | undefined,
    /** @internal */ protected readonly options: KeyValueStoreOptions = DEFAULT_OPTIONS,
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

  withLoggingEnabled(config: Record<string, string> = {}): this {
    return this.with({ loggingEnabled: true, logConfig: config });
  }

  withLoggingDisabled(): this {
    return this.with({ loggingEnabled: false, logConfig: {} });
  }

  withCachingEnabled(): this {
    return this.with({ cachingEnabled: true });
  }

  withCachingDisabled(): this {
    return this.with({ cachingEnabled: false });
  }

  /** 'persistent' keeps the store on disk (LMDB) under the state directory; 'in-memory' (the default here) does not. */
  withStoreType(storeType: StoreType): this {
    return this.with({ storeType });
  }

  build(defaults?: SerdeDefaults): KeyValueStore<K, V> {
    const keySerde = (this.keySerde ?? defaults?.keySerde) as Serde<K> | undefined;
    const valueSerde = this.valueSerde ?? this.defaultValueSerde(defaults);
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
      this.timestamped,
    );
  }

  /** Whether the stores hold ValueAndTimestamp values. */
  /** @internal */
  protected get timestamped(): boolean {
    return false;
  }

  /** @internal */
  protected defaultValueSerde(defaults: SerdeDefaults | undefined): Serde<V> | undefined {
    return defaults?.valueSerde as Serde<V> | undefined;
  }

  /** @internal */
  protected copy(options: KeyValueStoreOptions): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder(this.name, this.keySerde, this.valueSerde, options);
  }

  private with(changes: Partial<KeyValueStoreOptions>): this {
    return this.copy({ ...this.options, ...changes }) as this;
  }
}

/**
 * A key-value store of values with the timestamp of the record that set them (Kafka Streams'
 * TimestampedKeyValueStoreBuilder): what the DSL's tables and aggregations keep.
 */
export class TimestampedKeyValueStoreBuilder<K, V> extends KeyValueStoreBuilder<K, ValueAndTimestamp<V>> {
  /** @internal */
  constructor(
    name: string,
    keySerde: Serde<K> | undefined,
    private readonly innerValueSerde: Serde<V> | undefined,
    options: KeyValueStoreOptions = DEFAULT_OPTIONS,
  ) {
    super(name, keySerde, innerValueSerde && valueAndTimestampSerde(innerValueSerde), options);
  }

  /** @internal */
  protected override get timestamped(): boolean {
    return true;
  }

  /** @internal */
  protected override defaultValueSerde(
    defaults: SerdeDefaults | undefined,
  ): Serde<ValueAndTimestamp<V>> | undefined {
    const inner = defaults?.valueSerde as Serde<V> | undefined;
    return inner && valueAndTimestampSerde(inner);
  }

  /** @internal */
  protected override copy(options: KeyValueStoreOptions): TimestampedKeyValueStoreBuilder<K, V> {
    return new TimestampedKeyValueStoreBuilder(this.name, this.keySerde, this.innerValueSerde, options);
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
