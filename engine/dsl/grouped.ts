import type { Serde } from '../serdes/serde.js';

/** Serdes and name for a grouping; the name also names the repartition topic `<name>-repartition`. */
export class Grouped<K, V> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly name: string | undefined,
  ) {}

  static with<K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Grouped<K, V> {
    return new Grouped(keySerde, valueSerde, undefined);
  }

  static as<K, V>(name: string): Grouped<K, V> {
    return new Grouped<K, V>(undefined, undefined, name);
  }

  static keySerde<K, V>(keySerde: Serde<K>): Grouped<K, V> {
    return new Grouped<K, V>(keySerde, undefined, undefined);
  }

  static valueSerde<K, V>(valueSerde: Serde<V>): Grouped<K, V> {
    return new Grouped<K, V>(undefined, valueSerde, undefined);
  }

  withKeySerde<K2>(keySerde: Serde<K2>): Grouped<K2, V> {
    return new Grouped(keySerde, this.valueSerde, this.name);
  }

  withValueSerde<V2>(valueSerde: Serde<V2>): Grouped<K, V2> {
    return new Grouped(this.keySerde, valueSerde, this.name);
  }

  withName(name: string): Grouped<K, V> {
    return new Grouped(this.keySerde, this.valueSerde, name);
  }
}
