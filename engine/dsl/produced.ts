import type { StreamPartitioner } from '../processor/sink-types.js';
import type { Serde } from '../serdes/serde.js';

/** How records are written to a topic: serdes, partitioner, the sink node's name. */
export class Produced<K, V> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly partitioner: StreamPartitioner<K, V> | undefined,
    readonly name: string | undefined,
  ) {}

  static with<K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Produced<K, V> {
    return new Produced(keySerde, valueSerde, undefined, undefined);
  }

  static as<K, V>(name: string): Produced<K, V> {
    return new Produced<K, V>(undefined, undefined, undefined, name);
  }

  static streamPartitioner<K, V>(partitioner: StreamPartitioner<K, V>): Produced<K, V> {
    return new Produced<K, V>(undefined, undefined, partitioner, undefined);
  }

  withKeySerde<K2>(keySerde: Serde<K2>): Produced<K2, V> {
    return new Produced(keySerde, this.valueSerde, undefined, this.name);
  }

  withValueSerde<V2>(valueSerde: Serde<V2>): Produced<K, V2> {
    return new Produced(this.keySerde, valueSerde, undefined, this.name);
  }

  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): Produced<K, V> {
    return new Produced(this.keySerde, this.valueSerde, partitioner, this.name);
  }

  withName(name: string): Produced<K, V> {
    return new Produced(this.keySerde, this.valueSerde, this.partitioner, name);
  }
}
