import type { Serde } from '../engine/serdes/serde.js';
import type { StateStore } from './state-store.js';

export type StoreType = 'in-memory' | 'persistent';

/** Builds one store instance per task. Logging (a changelog topic) is on unless disabled. */
export interface StoreBuilder<S extends StateStore> {
  readonly name: string;
  readonly loggingEnabled: boolean;
  /** Whether the stores it builds keep their state on disk (standby replicas need that). */
  readonly persistent: boolean;
  /** The changelog topic's configs (cleanup policy for the store type, plus the user's). */
  changelogConfig(): Record<string, string>;
  withLoggingEnabled(config?: Record<string, string>): StoreBuilder<S>;
  withLoggingDisabled(): StoreBuilder<S>;
  /** Puts a write-back cache in front of the store (bounded by the instance's cacheMaxBytes). */
  withCachingEnabled(): StoreBuilder<S>;
  withCachingDisabled(): StoreBuilder<S>;
  /** `defaults` are the config's default serdes, for stores built without serdes of their own. */
  build(defaults?: SerdeDefaults): S;
}

export interface SerdeDefaults {
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
}

/** @internal The serdes of a store's keys and values, as queries read them. */
export interface QuerySerdes {
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
}

/** @internal A builder's own serdes, else the config's defaults. */
export function querySerdesOf(
  keySerde: Serde<unknown> | undefined,
  valueSerde: Serde<unknown> | undefined,
  defaults: SerdeDefaults | undefined,
): QuerySerdes {
  return { keySerde: keySerde ?? defaults?.keySerde, valueSerde: valueSerde ?? defaults?.valueSerde };
}

/** The layers every store builder offers. */
export interface StoreOptions {
  readonly loggingEnabled: boolean;
  readonly logConfig: Readonly<Record<string, string>>;
  readonly cachingEnabled: boolean;
  readonly storeType: StoreType;
}

/** What a builder from `Stores` starts with, as Kafka Streams' builders: logged, uncached, in memory here. */
export const DEFAULT_STORE_OPTIONS: StoreOptions = {
  loggingEnabled: true,
  logConfig: {},
  cachingEnabled: false,
  storeType: 'in-memory',
};

/**
 * What every store builder shares: its name and options, and the `with*` methods that copy it with
 * one option changed. Subclasses say how to build the store and copy themselves.
 */
export abstract class BaseStoreBuilder<S extends StateStore> implements StoreBuilder<S> {
  /** @internal */
  constructor(
    readonly name: string,
    /** @internal */ protected readonly options: StoreOptions,
  ) {}

  get loggingEnabled(): boolean {
    return this.options.loggingEnabled;
  }

  get storeType(): StoreType {
    return this.options.storeType;
  }

  get persistent(): boolean {
    return this.options.storeType === 'persistent';
  }

  abstract changelogConfig(): Record<string, string>;

  abstract build(defaults?: SerdeDefaults): S;

  withLoggingEnabled(config: Record<string, string> = {}): this {
    return this.with({ loggingEnabled: true, logConfig: config });
  }

  withLoggingDisabled(): this {
    return this.with({ loggingEnabled: false, logConfig: {} });
  }

  withCachingEnabled(): this {
    return this.with({ cachingEnabled: true });
  }

  withCachingDisabled(): this {
    return this.with({ cachingEnabled: false });
  }

  /** 'persistent' keeps the store on disk (LMDB) under the state directory; 'in-memory' (the default here) does not. */
  withStoreType(storeType: StoreType): this {
    return this.with({ storeType });
  }

  /** @internal */
  protected abstract copy(options: StoreOptions): BaseStoreBuilder<S>;

  /**
   * @internal The serdes of the keys and values a query reads (a timestamped store's plain value
   * serde; the config's defaults where the builder has none). Undefined where unknown.
   */
  querySerdes(_defaults?: SerdeDefaults): QuerySerdes {
    return { keySerde: undefined, valueSerde: undefined };
  }

  /** @internal The serdes to build with (the builder's own, else the config's defaults), or an error naming the store. */
  protected requireSerdes<K, V>(
    kind: string,
    keySerde: Serde<K> | undefined,
    valueSerde: Serde<V> | undefined,
  ): { keySerde: Serde<K>; valueSerde: Serde<V> } {
    if (!keySerde || !valueSerde) {
      throw new Error(
        `${kind} ${this.name} has no ${keySerde ? 'value' : 'key'} serde: pass one with Materialized.with(...) or set defaultKeySerde/defaultValueSerde in the config`,
      );
    }
    return { keySerde, valueSerde };
  }

  private with(changes: Partial<StoreOptions>): this {
    return this.copy({ ...this.options, ...changes }) as this;
  }
}
