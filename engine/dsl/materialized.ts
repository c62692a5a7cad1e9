import type { Serde } from '../serdes/serde.js';

/** How a KTable's state is kept: store name (queryable), serdes, changelog. */
export class Materialized<K, V> {
  private constructor(
    readonly storeName: string | undefined,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly loggingEnabled: boolean,
    readonly logConfig: Readonly<Record<string, string>>,
    readonly cachingEnabled = true,
  ) {}

  static as<K, V>(storeName: string): Materialized<K, V> {
    if (!storeName) throw new Error('Materialized.as: the store name must not be empty');
    return new Materialized<K, V>(storeName, undefined, undefined, true, {});
  }

  static with<K, V>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined): Materialized<K, V> {
    return new Materialized(undefined, keySerde, valueSerde, true, {});
  }

  withKeySerde<K2>(keySerde: Serde<K2>): Materialized<K2, V> {
    return new Materialized(
      this.storeName,
      keySerde,
      this.valueSerde,
      this.loggingEnabled,
      this.logConfig,
      this.cachingEnabled,
    );
  }

  withValueSerde<V2>(valueSerde: Serde<V2>): Materialized<K, V2> {
    return new Materialized(
      this.storeName,
      this.keySerde,
      valueSerde,
      this.loggingEnabled,
      this.logConfig,
      this.cachingEnabled,
    );
  }

  withLoggingEnabled(config: Record<string, string> = {}): Materialized<K, V> {
    return new Materialized(
      this.storeName,
      this.keySerde,
      this.valueSerde,
      true,
      config,
      this.cachingEnabled,
    );
  }

  withLoggingDisabled(): Materialized<K, V> {
    return new Materialized(this.storeName, this.keySerde, this.valueSerde, false, {}, this.cachingEnabled);
  }

  /** No write-back cache: every update goes downstream and to the changelog at once. */
  withCachingDisabled(): Materialized<K, V> {
    return new Materialized(
      this.storeName,
      this.keySerde,
      this.valueSerde,
      this.loggingEnabled,
      this.logConfig,
      false,
    );
  }

  withCachingEnabled(): Materialized<K, V> {
    return new Materialized(
      this.storeName,
      this.keySerde,
      this.valueSerde,
      this.loggingEnabled,
      this.logConfig,
      true,
    );
  }
}
