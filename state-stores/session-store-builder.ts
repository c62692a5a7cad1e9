import type { Serde } from '../engine/serdes/serde.js';
import type { SessionStore } from './session-store.js';
import { MeteredSessionStore } from './session-store-impl.js';
import type { SerdeDefaults, StoreBuilder, StoreType } from './store-builder.js';
import {
  DEFAULT_TIME_STORE_OPTIONS,
  type TimeStoreOptions,
  timeStoreChangelogConfig,
} from './time-store-options.js';

export class SessionStoreBuilder<K, V> implements StoreBuilder<SessionStore<K, V>> {
  /** @internal */
  constructor(
    readonly name: string,
    private readonly retentionMs: number,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly options: TimeStoreOptions = DEFAULT_TIME_STORE_OPTIONS,
  ) {
    if (!(retentionMs > 0))
      throw new Error(`session store ${name}: retentionMs must be > 0, got ${retentionMs}`);
  }

  get loggingEnabled(): boolean {
    return this.options.loggingEnabled;
  }

  get persistent(): boolean {
    return this.options.storeType === 'persistent';
  }

  changelogConfig(): Record<string, string> {
    return timeStoreChangelogConfig(this.retentionMs, this.options.logConfig);
  }

  withLoggingEnabled(config: Record<string, string> = {}): SessionStoreBuilder<K, V> {
    return this.with({ loggingEnabled: true, logConfig: config });
  }

  withLoggingDisabled(): SessionStoreBuilder<K, V> {
    return this.with({ loggingEnabled: false, logConfig: {} });
  }

  /** A write-back cache: updates to a session between commits become one changelog write and one update downstream. */
  withCachingEnabled(): SessionStoreBuilder<K, V> {
    return this.with({ cachingEnabled: true });
  }

  withCachingDisabled(): SessionStoreBuilder<K, V> {
    return this.with({ cachingEnabled: false });
  }

  withStoreType(storeType: StoreType): SessionStoreBuilder<K, V> {
    return this.with({ storeType });
  }

  build(_defaults?: SerdeDefaults): SessionStore<K, V> {
    return new MeteredSessionStore(this.name, this.keySerde, this.valueSerde, this.retentionMs, {
      loggingEnabled: this.options.loggingEnabled,
      cachingEnabled: this.options.cachingEnabled,
      persistent: this.options.storeType === 'persistent',
      timestamped: false,
    });
  }

  private with(changes: Partial<TimeStoreOptions>): SessionStoreBuilder<K, V> {
    return new SessionStoreBuilder(this.name, this.retentionMs, this.keySerde, this.valueSerde, {
      ...this.options,
      ...changes,
    });
  }
}
