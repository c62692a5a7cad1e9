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
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
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

  /** Window stores have no record cache yet: these keep the builder interface and change nothing. */
  withCachingEnabled(): WindowStoreBuilder<K, V> {
    return this;
  }

  withCachingDisabled(): WindowStoreBuilder<K, V> {
    return this;
  }

  withStoreType(storeType: StoreType): WindowStoreBuilder<K, V> {
    return this.with({ storeType });
  }

  build(_defaults?: SerdeDefaults): WindowStore<K, V> {
    const { retentionMs, windowSizeMs, retainDuplicates = false } = this.spec;
    return new MeteredWindowStore(
      this.name,
      this.keySerde,
      this.valueSerde,
      windowSizeMs,
      retentionMs,
      retainDuplicates,
      this.options.loggingEnabled,
      this.options.storeType === 'persistent',
    );
  }

  private with(changes: Partial<TimeStoreOptions>): WindowStoreBuilder<K, V> {
    return new WindowStoreBuilder(this.name, this.spec, this.keySerde, this.valueSerde, {
      ...this.options,
      ...changes,
    });
  }
}
