import type { StoreType } from '../../state-stores/store-builder.js';
import type { Serde } from '../serdes/serde.js';

interface MaterializedOptions {
  readonly loggingEnabled: boolean;
  readonly logConfig: Readonly<Record<string, string>>;
  readonly cachingEnabled: boolean;
  readonly storeType: StoreType;
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

  static as<K, V>(storeName: string): Materialized<K, V> {
    if (!storeName) throw new Error('Materialized.as: the store name must not be empty');
    return new Materialized<K, V>(storeName, undefined, undefined, DEFAULTS);
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

  /** 'persistent' (default: on disk under stateDir, restored from its checkpoint) or 'in-memory'. */
  withStoreType(storeType: StoreType): Materialized<K, V> {
    return this.with({ storeType });
  }

  private with(changes: Partial<MaterializedOptions>): Materialized<K, V> {
    return new Materialized(this.storeName, this.keySerde, this.valueSerde, { ...this.options, ...changes });
  }
}
