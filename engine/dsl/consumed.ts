import type { Serde } from '../serdes/serde.js';

/** How a source topic is read: serdes and the source node's name. */
export class Consumed<K, V> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly name: string | undefined,
  ) {}

  static with<K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Consumed<K, V> {
    return new Consumed(keySerde, valueSerde, undefined);
  }

  static as<K, V>(name: string): Consumed<K, V> {
    return new Consumed<K, V>(undefined, undefined, name);
  }

  withKeySerde<K2>(keySerde: Serde<K2>): Consumed<K2, V> {
    return new Consumed(keySerde, this.valueSerde, this.name);
  }

  withValueSerde<V2>(valueSerde: Serde<V2>): Consumed<K, V2> {
    return new Consumed(this.keySerde, valueSerde, this.name);
  }

  withName(name: string): Consumed<K, V> {
    return new Consumed(this.keySerde, this.valueSerde, name);
  }
}
