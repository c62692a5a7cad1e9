import type { Serde } from '../serdes/serde.js';

/** Serdes and name for a stream-table join (used when the stream must be repartitioned first). */
export class Joined<K, V, VO> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly otherValueSerde: Serde<VO> | undefined,
    readonly name: string | undefined,
    /** Set by withGracePeriod: how long stream records wait for late table updates (versioned tables). */
    readonly gracePeriodMs: number | undefined = undefined,
  ) {}

  static with<K, V, VO>(
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    otherValueSerde?: Serde<VO>,
  ): Joined<K, V, VO> {
    return new Joined(keySerde, valueSerde, otherValueSerde, undefined);
  }

  static as<K, V, VO>(name: string): Joined<K, V, VO> {
    return new Joined<K, V, VO>(undefined, undefined, undefined, name);
  }

  withName(name: string): Joined<K, V, VO> {
    return new Joined(this.keySerde, this.valueSerde, this.otherValueSerde, name, this.gracePeriodMs);
  }

  /**
   * Holds each stream record until stream time passes its timestamp + `gracePeriodMs`, then joins it
   * with the table as of its timestamp, so table updates up to that late still count (Kafka Streams'
   * Joined.withGracePeriod). The table must be versioned, with a history retention of at least the
   * grace period. The held records sit in a logged buffer store (`<join name>-Buffer-store`).
   */
  withGracePeriod(gracePeriodMs: number): Joined<K, V, VO> {
    if (!(gracePeriodMs >= 0))
      throw new Error(`Joined.withGracePeriod: must be >= 0 ms, got ${gracePeriodMs}`);
    return new Joined(this.keySerde, this.valueSerde, this.otherValueSerde, this.name, gracePeriodMs);
  }
}
