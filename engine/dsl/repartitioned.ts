import type { StreamPartitioner } from '../processor/sink-types.js';
import type { Serde } from '../serdes/serde.js';

/** Options of `KStream.repartition()`: topic name, partition count, serdes, partitioner. */
export class Repartitioned<K, V> {
  private constructor(
    readonly name: string | undefined,
    readonly numberOfPartitions: number | undefined,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly partitioner: StreamPartitioner<K, V> | undefined,
  ) {}

  static as<K, V>(name: string): Repartitioned<K, V> {
    return new Repartitioned<K, V>(name, undefined, undefined, undefined, undefined);
  }

  static with<K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Repartitioned<K, V> {
    return new Repartitioned(undefined, undefined, keySerde, valueSerde, undefined);
  }

  static numberOfPartitions<K, V>(n: number): Repartitioned<K, V> {
    return new Repartitioned<K, V>(undefined, checkPartitions(n), undefined, undefined, undefined);
  }

  static streamPartitioner<K, V>(partitioner: StreamPartitioner<K, V>): Repartitioned<K, V> {
    return new Repartitioned<K, V>(undefined, undefined, undefined, undefined, partitioner);
  }

  withName(name: string): Repartitioned<K, V> {
    return new Repartitioned(name, this.numberOfPartitions, this.keySerde, this.valueSerde, this.partitioner);
  }

  withNumberOfPartitions(n: number): Repartitioned<K, V> {
    return new Repartitioned(this.name, checkPartitions(n), this.keySerde, this.valueSerde, this.partitioner);
  }

  withKeySerde<K2>(keySerde: Serde<K2>): Repartitioned<K2, V> {
    return new Repartitioned(this.name, this.numberOfPartitions, keySerde, this.valueSerde, undefined);
  }

  withValueSerde<V2>(valueSerde: Serde<V2>): Repartitioned<K, V2> {
    return new Repartitioned(this.name, this.numberOfPartitions, this.keySerde, valueSerde, undefined);
  }

  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): Repartitioned<K, V> {
    return new Repartitioned(this.name, this.numberOfPartitions, this.keySerde, this.valueSerde, partitioner);
  }
}

function checkPartitions(n: number): number {
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`Repartitioned: number of partitions must be a positive integer, got ${n}`);
  return n;
}
