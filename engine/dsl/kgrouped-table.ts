import { tableAggregateSupplier, tableReduceSupplier } from '../processor/internals/aggregate-processors.js';
import { deferredChangeSerde } from '../processor/internals/change.js';
import type { ProcessorSupplier } from '../processor/processor.js';
import type { Serde } from '../serdes/serde.js';
import { Serdes } from '../serdes/serdes.js';
import { addMaterializedTable } from './internals/materialized-table.js';
import { insertRepartition, type StreamNode } from './internals/stream-node.js';
import type { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';

/** A re-keyed table, ready to aggregate with an adder and a subtractor. */
export class KGroupedTable<K, V> {
  /** @internal */
  constructor(
    private readonly builder: StreamNode['builder'],
    private readonly selectNode: string,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
    private readonly groupName: string | undefined,
  ) {}

  count(materialized?: Materialized<K, number>): KTable<K, number> {
    return this.aggregate(
      () => 0,
      (_k, _v, count) => count + 1,
      (_k, _v, count) => count - 1,
      materialized,
      Serdes.Long(),
    );
  }

  reduce(
    adder: (aggregate: V, value: V) => V,
    subtractor: (aggregate: V, value: V) => V,
    materialized?: Materialized<K, V>,
  ): KTable<K, V> {
    const storeName = this.storeName(materialized);
    return this.materialize(
      storeName,
      tableReduceSupplier<K, V>(storeName, adder, subtractor),
      materialized,
      this.valueSerde,
    );
  }

  aggregate<VAgg>(
    initializer: () => VAgg,
    adder: (key: K, value: V, aggregate: VAgg) => VAgg,
    subtractor: (key: K, value: V, aggregate: VAgg) => VAgg,
    materialized?: Materialized<K, VAgg>,
    defaultValueSerde?: Serde<VAgg>,
  ): KTable<K, VAgg> {
    const storeName = this.storeName(materialized);
    return this.materialize(
      storeName,
      tableAggregateSupplier<K, V, VAgg>(storeName, initializer, adder, subtractor),
      materialized,
      defaultValueSerde,
    );
  }

  private storeName(materialized: Materialized<K, unknown> | undefined): string {
    return materialized?.storeName ?? this.builder.newName('KTABLE-AGGREGATE-STATE-STORE');
  }

  private materialize<VAgg>(
    storeName: string,
    supplier: ProcessorSupplier<K, never, K, unknown>,
    materialized: Materialized<K, VAgg> | undefined,
    defaultValueSerde: Serde<VAgg> | undefined,
  ): KTable<K, VAgg> {
    const select: StreamNode = {
      builder: this.builder,
      nodeName: this.selectNode,
      keySerde: this.keySerde as Serde<unknown>,
      valueSerde: undefined,
      repartitionRequired: true,
    };
    const source = insertRepartition(
      select,
      this.groupName ?? storeName,
      this.keySerde as Serde<unknown> | undefined,
      deferredChangeSerde(this.valueSerde) as Serde<unknown>,
    );
    return addMaterializedTable<K, VAgg>(
      this.builder,
      this.builder.newName('KTABLE-AGGREGATE'),
      source,
      storeName,
      supplier,
      materialized?.keySerde ?? this.keySerde,
      materialized?.valueSerde ?? defaultValueSerde,
      materialized,
    );
  }
}
