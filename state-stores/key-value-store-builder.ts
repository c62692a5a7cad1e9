import type { Serde } from '../engine/serdes/serde.js';
import type { KeyValueStore } from './key-value-store.js';
import { MeteredKeyValueStore } from './key-value-store-impl.js';
import {
  BaseStoreBuilder,
  DEFAULT_STORE_OPTIONS,
  type QuerySerdes,
  querySerdesOf,
  type SerdeDefaults,
  type StoreOptions,
} from './store-builder.js';
import { type ValueAndTimestamp, valueAndTimestampSerde } from './value-and-timestamp.js';

/** Key-value store builder; the DSL may leave serdes out and take the config defaults. */
export class KeyValueStoreBuilder<K, V> extends BaseStoreBuilder<KeyValueStore<K, V>> {
  /** @internal */
  constructor(
    name: string,
    /** @internal */ protected readonly keySerde: Serde<K> | undefined,
    /** @internal */ protected readonly valueSerde: Serde<V> | undefined,
    options: StoreOptions = DEFAULT_STORE_OPTIONS,
  ) {
    super(name, options);
  }

  changelogConfig(): Record<string, string> {
    return { 'cleanup.policy': 'compact', ...this.options.logConfig };
  }

  /** @internal */
  override querySerdes(defaults?: SerdeDefaults): QuerySerdes {
    return querySerdesOf(this.keySerde, this.valueSerde, defaults);
  }

  build(defaults?: SerdeDefaults): KeyValueStore<K, V> {
    const { keySerde, valueSerde } = this.requireSerdes(
      'state store',
      this.keySerde ?? (defaults?.keySerde as Serde<K> | undefined),
      this.valueSerde ?? this.defaultValueSerde(defaults),
    );
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

  /** @internal Whether the stores hold ValueAndTimestamp values. */
  protected get timestamped(): boolean {
    return false;
  }

  /** @internal */
  protected defaultValueSerde(defaults: SerdeDefaults | undefined): Serde<V> | undefined {
    return defaults?.valueSerde as Serde<V> | undefined;
  }

  /** @internal */
  protected copy(options: StoreOptions): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder(this.name, this.keySerde, this.valueSerde, options);
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
    options: StoreOptions = DEFAULT_STORE_OPTIONS,
  ) {
    super(name, keySerde, innerValueSerde && valueAndTimestampSerde(innerValueSerde), options);
  }

  /** @internal */
  override querySerdes(defaults?: SerdeDefaults): QuerySerdes {
    return querySerdesOf(this.keySerde, this.innerValueSerde, defaults);
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
  protected override copy(options: StoreOptions): TimestampedKeyValueStoreBuilder<K, V> {
    return new TimestampedKeyValueStoreBuilder(this.name, this.keySerde, this.innerValueSerde, options);
  }
}
