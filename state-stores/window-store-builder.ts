import type { Serde } from '../engine/serdes/serde.js';
import type { SerdeDefaults, StoreBuilder, StoreType } from './store-builder.js';
import {
  DEFAULT_TIME_STORE_OPTIONS,
  type TimeStoreOptions,
  timeStoreChangelogConfig,
} from './time-store-options.js';
import type { WindowStore } from './window-store.js';
import { MeteredWindowStore } from './window-store-impl.js';

export interface WindowStoreSpec {
  readonly retentionMs: number;
  readonly windowSizeMs: number;
  /** Keep every value put for a (key, window) rather than the last (stream-stream joins). */
  readonly retainDuplicates?: boolean;
}

export class WindowStoreBuilder<K, V> implements StoreBuilder<WindowStore<K, V>> {
  constructor(
    readonly name: string,
    private readonly spec: WindowStoreSpec,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
    private readonly options: TimeStoreOptions = DEFAULT_TIME_STORE_OPTIONS,
  ) {
    if (!(spec.windowSizeMs > 0))
      throw new Error(`window store ${name}: windowSizeMs must be > 0, got ${spec.windowSizeMs}`);
    if (!(spec.retentionMs >= spec.windowSizeMs)) {
      throw new Error(
        `window store ${name}: retentionMs (${spec.retentionMs}) must be at least the window size (${spec.windowSizeMs})`,
      );
    }
  }

  get loggingEnabled(): boolean {
    return this.options.loggingEnabled;
  }

  get persistent(): boolean {
    return this.options.storeType === 'persistent';
  }

  changelogConfig(): Record<string, string> {
    return timeStoreChangelogConfig(this.spec.retentionMs, this.options.logConfig);
  }

  withLoggingEnabled(config: Record<string, string> = {}): WindowStoreBuilder<K, V> {
    return this.with({ loggingEnabled: true, logConfig: config });
  }

  withLoggingDisabled(): WindowStoreBuilder<K, V> {
    return this.with({ loggingEnabled: false, logConfig: {} });
  }

  /** A write-back cache: updates to a window between commits become one changelog write and one update downstream. */
  withCachingEnabled(): WindowStoreBuilder<K, V> {
    return this.with({ cachingEnabled: true });
  }

  withCachingDisabled(): WindowStoreBuilder<K, V> {
    return this.with({ cachingEnabled: false });
  }

  withStoreType(storeType: StoreType): WindowStoreBuilder<K, V> {
    return this.with({ storeType });
  }

  build(defaults?: SerdeDefaults): WindowStore<K, V> {
    const { retentionMs, windowSizeMs, retainDuplicates = false } = this.spec;
    const keySerde = (this.keySerde ?? defaults?.keySerde) as Serde<K> | undefined;
    const valueSerde = (this.valueSerde ?? defaults?.valueSerde) as Serde<V> | undefined;
    if (!keySerde || !valueSerde) {
      throw new Error(
        `window store ${this.name} has no ${keySerde ? 'value' : 'key'} serde: pass one with Materialized.with(...) or set defaultKeySerde/defaultValueSerde in the config`,
      );
    }
    return new MeteredWindowStore(this.name, keySerde, valueSerde, windowSizeMs, retentionMs, {
      retainDuplicates,
      loggingEnabled: this.options.loggingEnabled,
      cachingEnabled: this.options.cachingEnabled,
      persistent: this.options.storeType === 'persistent',
    });
  }

  private with(changes: Partial<TimeStoreOptions>): WindowStoreBuilder<K, V> {
    return new WindowStoreBuilder(this.name, this.spec, this.keySerde, this.valueSerde, {
      ...this.options,
      ...changes,
    });
  }
}
