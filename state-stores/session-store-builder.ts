import type { Serde } from '../engine/serdes/serde.js';
import type { SessionStore } from './session-store.js';
import { MeteredSessionStore } from './session-store-impl.js';
import {
  BaseStoreBuilder,
  DEFAULT_STORE_OPTIONS,
  type QuerySerdes,
  querySerdesOf,
  type SerdeDefaults,
  type StoreOptions,
} from './store-builder.js';
import { timeStoreChangelogConfig } from './time-store-changelog.js';

export class SessionStoreBuilder<K, V> extends BaseStoreBuilder<SessionStore<K, V>> {
  /** @internal */
  constructor(
    name: string,
    /** @internal */ protected readonly retentionMs: number,
    /** @internal */ protected readonly keySerde: Serde<K> | undefined,
    /** @internal */ protected readonly valueSerde: Serde<V> | undefined,
    options: StoreOptions = DEFAULT_STORE_OPTIONS,
  ) {
    super(name, options);
    if (!(retentionMs > 0))
      throw new Error(`session store ${name}: retentionMs must be > 0, got ${retentionMs}`);
  }

  changelogConfig(): Record<string, string> {
    return timeStoreChangelogConfig(this.retentionMs, this.options.logConfig);
  }

  /** @internal */
  override querySerdes(defaults?: SerdeDefaults): QuerySerdes {
    return querySerdesOf(this.keySerde, this.valueSerde, defaults);
  }

  build(defaults?: SerdeDefaults): SessionStore<K, V> {
    const { keySerde, valueSerde } = this.requireSerdes(
      'session store',
      this.keySerde ?? (defaults?.keySerde as Serde<K> | undefined),
      this.valueSerde ?? (defaults?.valueSerde as Serde<V> | undefined),
    );
    return new MeteredSessionStore(this.name, keySerde, valueSerde, this.retentionMs, {
      loggingEnabled: this.options.loggingEnabled,
      cachingEnabled: this.options.cachingEnabled,
      persistent: this.options.storeType === 'persistent',
      timestamped: false,
    });
  }

  /** @internal */
  protected copy(options: StoreOptions): SessionStoreBuilder<K, V> {
    return new SessionStoreBuilder(this.name, this.retentionMs, this.keySerde, this.valueSerde, options);
  }
}
