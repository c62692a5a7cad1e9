import type { Serde } from '../serdes/serde.js';

/**
 * Serdes and names for a stream-stream join, as Kafka Streams' StreamJoined: the key serde and both
 * value serdes for its window stores (else the config defaults), a name for its nodes and
 * repartition topics (`<name>-left`, `<name>-right`), and a base name for its stores.
 */
export class StreamJoined<K, V, VO> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly otherValueSerde: Serde<VO> | undefined,
    readonly name: string | undefined,
    readonly storeName: string | undefined,
    readonly loggingEnabled: boolean,
  ) {}

  static with<K, V, VO>(
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    otherValueSerde: Serde<VO>,
  ): StreamJoined<K, V, VO> {
    return new StreamJoined(keySerde, valueSerde, otherValueSerde, undefined, undefined, true);
  }

  /** Names the stores `<storeName>-this-join-store`, `-other-join-store`, `-outer-shared-join-store`. */
  static as<K, V, VO>(storeName: string): StreamJoined<K, V, VO> {
    return new StreamJoined<K, V, VO>(undefined, undefined, undefined, undefined, storeName, true);
  }

  withName(name: string): StreamJoined<K, V, VO> {
    return this.copy({ name });
  }

  withStoreName(storeName: string): StreamJoined<K, V, VO> {
    return this.copy({ storeName });
  }

  withKeySerde(keySerde: Serde<K>): StreamJoined<K, V, VO> {
    return this.copy({ keySerde });
  }

  withValueSerde(valueSerde: Serde<V>): StreamJoined<K, V, VO> {
    return this.copy({ valueSerde });
  }

  withOtherValueSerde(otherValueSerde: Serde<VO>): StreamJoined<K, V, VO> {
    return this.copy({ otherValueSerde });
  }

  /** No changelogs for the join's stores (they are rebuilt from nothing after a failure). */
  withLoggingDisabled(): StreamJoined<K, V, VO> {
    return this.copy({ loggingEnabled: false });
  }

  private copy(changes: Partial<StreamJoined<K, V, VO>>): StreamJoined<K, V, VO> {
    const next = { ...this, ...changes };
    return new StreamJoined(
      next.keySerde,
      next.valueSerde,
      next.otherValueSerde,
      next.name,
      next.storeName,
      next.loggingEnabled,
    );
  }
}
