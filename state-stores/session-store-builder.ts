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

  /** Session stores have no record cache yet: these keep the builder interface and change nothing. */
  withCachingEnabled(): SessionStoreBuilder<K, V> {
    return this;
  }

  withCachingDisabled(): SessionStoreBuilder<K, V> {
    return this;
  }

  withStoreType(storeType: StoreType): SessionStoreBuilder<K, V> {
    return this.with({ storeType });
  }

  build(_defaults?: SerdeDefaults): SessionStore<K, V> {
    return new MeteredSessionStore(
      this.name,
      this.keySerde,
      this.valueSerde,
      this.retentionMs,
      this.options.loggingEnabled,
      this.options.storeType === 'persistent',
    );
  }

  private with(changes: Partial<TimeStoreOptions>): SessionStoreBuilder<K, V> {
    return new SessionStoreBuilder(this.name, this.retentionMs, this.keySerde, this.valueSerde, {
      ...this.options,
      ...changes,
    });
  }
}
