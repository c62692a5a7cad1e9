import type { StoreType } from '../../state-stores/store-builder.js';
import type { VersionedStoreSupplier } from '../../state-stores/stores.js';
import type { Serde } from '../serdes/serde.js';

interface MaterializedOptions {
  /** Set when the table is kept in a versioned store (Materialized.as(Stores.persistentVersionedKeyValueStore(...))). */
  readonly versionedHistoryRetentionMs?: number;
  readonly loggingEnabled: boolean;
  readonly logConfig: Readonly<Record<string, string>>;
  readonly cachingEnabled: boolean;
  readonly storeType: StoreType;
  /** How long a window or session store keeps windows (Materialized.withRetention); unset: size + grace. */
  readonly retentionMs?: number;
}

// As in Kafka Streams: logged, cached, persistent.
const DEFAULTS: MaterializedOptions = {
  loggingEnabled: true,
  logConfig: {},
  cachingEnabled: true,
  storeType: 'persistent',
};

/** How a KTable's state is kept: store name (queryable), serdes, changelog, cache, in memory or on disk. */
export class Materialized<K, V> {
  private constructor(
    readonly storeName: string | undefined,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    private readonly options: MaterializedOptions,
  ) {}

  /** A named store; or a versioned one (`Stores.persistentVersionedKeyValueStore(name, historyRetentionMs)`) for a table. */
  static as<K, V>(store: string | VersionedStoreSupplier): Materialized<K, V> {
    if (typeof store !== 'string')
      return new Materialized<K, V>(store.name, undefined, undefined, {
        ...DEFAULTS,
        cachingEnabled: false,
        versionedHistoryRetentionMs: store.historyRetentionMs,
      });
    if (!store) throw new Error('Materialized.as: the store name must not be empty');
    return new Materialized<K, V>(store, undefined, undefined, DEFAULTS);
  }

  /** The history retention of a versioned store, or undefined for a plain one. */
  get versionedHistoryRetentionMs(): number | undefined {
    return this.options.versionedHistoryRetentionMs;
  }

  static with<K, V>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined): Materialized<K, V> {
    return new Materialized(undefined, keySerde, valueSerde, DEFAULTS);
  }

  get loggingEnabled(): boolean {
    return this.options.loggingEnabled;
  }

  get logConfig(): Readonly<Record<string, string>> {
    return this.options.logConfig;
  }

  get cachingEnabled(): boolean {
    return this.options.cachingEnabled;
  }

  get storeType(): StoreType {
    return this.options.storeType;
  }

  withKeySerde<K2>(keySerde: Serde<K2>): Materialized<K2, V> {
    return new Materialized(this.storeName, keySerde, this.valueSerde, this.options);
  }

  withValueSerde<V2>(valueSerde: Serde<V2>): Materialized<K, V2> {
    return new Materialized(this.storeName, this.keySerde, valueSerde, this.options);
  }

  withLoggingEnabled(config: Record<string, string> = {}): Materialized<K, V> {
    return this.with({ loggingEnabled: true, logConfig: config });
  }

  withLoggingDisabled(): Materialized<K, V> {
    return this.with({ loggingEnabled: false, logConfig: {} });
  }

  /** No write-back cache: every update goes downstream and to the changelog at once. */
  withCachingDisabled(): Materialized<K, V> {
    return this.with({ cachingEnabled: false });
  }

  withCachingEnabled(): Materialized<K, V> {
    return this.with({ cachingEnabled: true });
  }

  /**
   * How long a window or session store keeps its windows, in ms (Kafka Streams'
   * `Materialized.withRetention`): at least the window size (session: the inactivity gap) plus the
   * grace period, which is also the default. Longer keeps closed windows queryable.
   */
  withRetention(retentionMs: number): Materialized<K, V> {
    if (!Number.isSafeInteger(retentionMs) || retentionMs < 0)
      throw new Error(
        `Materialized.withRetention: the retention must be a whole number of ms >= 0, got ${retentionMs}`,
      );
    return this.with({ retentionMs });
  }

  get retentionMs(): number | undefined {
    return this.options.retentionMs;
  }

  /** 'persistent' (default: on disk under stateDir, restored from its checkpoint) or 'in-memory'. */
  withStoreType(storeType: StoreType): Materialized<K, V> {
    return this.with({ storeType });
  }

  private with(changes: Partial<MaterializedOptions>): Materialized<K, V> {
    return new Materialized(this.storeName, this.keySerde, this.valueSerde, { ...this.options, ...changes });
  }
}
