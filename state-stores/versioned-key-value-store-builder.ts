import type { Serde } from '../engine/serdes/serde.js';
import {
  BaseStoreBuilder,
  DEFAULT_STORE_OPTIONS,
  type QuerySerdes,
  querySerdesOf,
  type SerdeDefaults,
  type StoreOptions,
} from './store-builder.js';
import type { VersionedKeyValueStore } from './versioned-key-value-store.js';
import { VersionedKeyValueStoreImpl } from './versioned-key-value-store-impl.js';

/** A day: how much longer than the history retention the changelog keeps a key's versions from compaction (as Kafka Streams). */
const CHANGELOG_EXTRA_RETENTION_MS = 86_400_000;

/**
 * Builds versioned key-value stores (Kafka Streams' VersionedKeyValueStoreBuilder): persistent by
 * default (Kafka Streams has only a RocksDB one), logged, never cached (a cache would hide the
 * history). The changelog is compacted only past the history retention plus a day, so a restore
 * finds every version a query may still ask for.
 */
export class VersionedKeyValueStoreBuilder<K, V> extends BaseStoreBuilder<VersionedKeyValueStore<K, V>> {
  /** @internal */
  constructor(
    name: string,
    readonly historyRetentionMs: number,
    /** @internal */ protected readonly keySerde: Serde<K> | undefined,
    /** @internal */ protected readonly valueSerde: Serde<V> | undefined,
    options: StoreOptions = { ...DEFAULT_STORE_OPTIONS, storeType: 'persistent' },
  ) {
    super(name, options);
    if (!(historyRetentionMs >= 0))
      throw new Error(`versioned store ${name}: historyRetentionMs must be >= 0, got ${historyRetentionMs}`);
  }

  changelogConfig(): Record<string, string> {
    return {
      'cleanup.policy': 'compact',
      'min.compaction.lag.ms': String(this.historyRetentionMs + CHANGELOG_EXTRA_RETENTION_MS),
      ...this.options.logConfig,
    };
  }

  /** @internal */
  override querySerdes(defaults?: SerdeDefaults): QuerySerdes {
    return querySerdesOf(this.keySerde, this.valueSerde, defaults);
  }

  build(defaults?: SerdeDefaults): VersionedKeyValueStore<K, V> {
    const { keySerde, valueSerde } = this.requireSerdes(
      'versioned store',
      this.keySerde ?? (defaults?.keySerde as Serde<K> | undefined),
      this.valueSerde ?? (defaults?.valueSerde as Serde<V> | undefined),
    );
    return new VersionedKeyValueStoreImpl(
      this.name,
      keySerde,
      valueSerde,
      this.historyRetentionMs,
      this.options.loggingEnabled,
      this.options.storeType === 'persistent',
    );
  }

  /** @internal */
  protected copy(options: StoreOptions): VersionedKeyValueStoreBuilder<K, V> {
    return new VersionedKeyValueStoreBuilder(
      this.name,
      this.historyRetentionMs,
      this.keySerde,
      this.valueSerde,
      {
        ...options,
        cachingEnabled: false,
      },
    );
  }
}
