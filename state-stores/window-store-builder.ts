import type { Serde } from '../engine/serdes/serde.js';
import {
  BaseStoreBuilder,
  DEFAULT_STORE_OPTIONS,
  type QuerySerdes,
  querySerdesOf,
  type SerdeDefaults,
  type StoreOptions,
} from './store-builder.js';
import { timeStoreChangelogConfig } from './time-store-changelog.js';
import { type ValueAndTimestamp, valueAndTimestampSerde } from './value-and-timestamp.js';
import type { WindowStore } from './window-store.js';
import { MeteredWindowStore } from './window-store-impl.js';

export interface WindowStoreSpec {
  readonly retentionMs: number;
  readonly windowSizeMs: number;
  /** Keep every value put for a (key, window) rather than the last (stream-stream joins). */
  readonly retainDuplicates?: boolean;
}

export class WindowStoreBuilder<K, V> extends BaseStoreBuilder<WindowStore<K, V>> {
  /** @internal */
  constructor(
    name: string,
    /** @internal */ protected readonly spec: WindowStoreSpec,
    /** @internal */ protected readonly keySerde: Serde<K> | undefined,
    /** @internal */ protected readonly valueSerde: Serde<V> | undefined,
    options: StoreOptions = DEFAULT_STORE_OPTIONS,
  ) {
    super(name, options);
    if (!(spec.windowSizeMs > 0))
      throw new Error(`window store ${name}: windowSizeMs must be > 0, got ${spec.windowSizeMs}`);
    if (!(spec.retentionMs >= spec.windowSizeMs)) {
      throw new Error(
        `window store ${name}: retentionMs (${spec.retentionMs}) must be at least the window size (${spec.windowSizeMs})`,
      );
    }
  }

  changelogConfig(): Record<string, string> {
    return timeStoreChangelogConfig(this.spec.retentionMs, this.options.logConfig);
  }

  /** @internal */
  override querySerdes(defaults?: SerdeDefaults): QuerySerdes {
    return querySerdesOf(this.keySerde, this.valueSerde, defaults);
  }

  build(defaults?: SerdeDefaults): WindowStore<K, V> {
    const { retentionMs, windowSizeMs, retainDuplicates = false } = this.spec;
    const { keySerde, valueSerde } = this.requireSerdes(
      'window store',
      this.keySerde ?? (defaults?.keySerde as Serde<K> | undefined),
      this.valueSerde ?? this.defaultValueSerde(defaults),
    );
    return new MeteredWindowStore(this.name, keySerde, valueSerde, windowSizeMs, retentionMs, {
      retainDuplicates,
      loggingEnabled: this.options.loggingEnabled,
      cachingEnabled: this.options.cachingEnabled,
      persistent: this.options.storeType === 'persistent',
      timestamped: this.timestamped,
    });
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
  protected copy(options: StoreOptions): WindowStoreBuilder<K, V> {
    return new WindowStoreBuilder(this.name, this.spec, this.keySerde, this.valueSerde, options);
  }
}

/**
 * A window store of values with the timestamp of the record that set them (Kafka Streams'
 * TimestampedWindowStoreBuilder): what the DSL's windowed aggregations keep.
 */
export class TimestampedWindowStoreBuilder<K, V> extends WindowStoreBuilder<K, ValueAndTimestamp<V>> {
  /** @internal */
  constructor(
    name: string,
    spec: WindowStoreSpec,
    keySerde: Serde<K> | undefined,
    private readonly innerValueSerde: Serde<V> | undefined,
    options: StoreOptions = DEFAULT_STORE_OPTIONS,
  ) {
    super(name, spec, keySerde, innerValueSerde && valueAndTimestampSerde(innerValueSerde), options);
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
  protected override copy(options: StoreOptions): TimestampedWindowStoreBuilder<K, V> {
    return new TimestampedWindowStoreBuilder(
      this.name,
      this.spec,
      this.keySerde,
      this.innerValueSerde,
      options,
    );
  }
}
