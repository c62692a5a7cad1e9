import { tableAggregateSupplier, tableReduceSupplier } from '../processor/internals/aggregate-processors.js';
import { deferredChangeSerde } from '../processor/internals/change.js';
import type { AnyProcessorSupplier } from '../processor/processor.js';
import type { Serde } from '../serdes/serde.js';
import { Serdes } from '../serdes/serdes.js';
import type { GraphNode } from './internals/graph/graph-node.js';
import type { InternalStreamsBuilder } from './internals/graph/internal-streams-builder.js';
import { RepartitionNode } from './internals/graph/repartition-node.js';
import { AggregationNode } from './internals/graph/table-nodes.js';
import { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import type { Named } from './named.js';

/** A re-keyed table, ready to aggregate with an adder and a subtractor. */
export class KGroupedTable<K, V> {
  private namedRepartition: RepartitionNode | undefined;

  /** @internal */
  constructor(
    private readonly graph: InternalStreamsBuilder,
    private readonly selectNode: GraphNode,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
    private readonly groupName: string | undefined,
  ) {}

  count(materialized?: Materialized<K, number>, named?: Named): KTable<K, number> {
    return this.doAggregate(
      () => 0,
      (_k, _v, count) => count + 1,
      (_k, _v, count) => count - 1,
      materialized,
      named,
      Serdes.Long(),
    );
  }

  reduce(
    adder: (aggregate: V, value: V) => V,
    subtractor: (aggregate: V, value: V) => V,
    materialized?: Materialized<K, V>,
    named?: Named,
  ): KTable<K, V> {
    const storeName = this.storeName(materialized);
    return this.materialize(
      'KTABLE-REDUCE',
      named,
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
    named?: Named,
  ): KTable<K, VAgg> {
    return this.doAggregate(initializer, adder, subtractor, materialized, named, undefined);
  }

  private doAggregate<VAgg>(
    initializer: () => VAgg,
    adder: (key: K, value: V, aggregate: VAgg) => VAgg,
    subtractor: (key: K, value: V, aggregate: VAgg) => VAgg,
    materialized: Materialized<K, VAgg> | undefined,
    named: Named | undefined,
    defaultValueSerde: Serde<VAgg> | undefined,
  ): KTable<K, VAgg> {
    const storeName = this.storeName(materialized);
    return this.materialize(
      'KTABLE-AGGREGATE',
      named,
      storeName,
      tableAggregateSupplier<K, V, VAgg>(storeName, initializer, adder, subtractor),
      materialized,
      defaultValueSerde,
    );
  }

  private storeName(materialized: Materialized<K, unknown> | undefined): string {
    return materialized?.storeName ?? this.graph.newStoreName('KTABLE-AGGREGATE');
  }

  /** Names as Kafka Streams' KGroupedTableImpl: sink, source, then the aggregation. */
  private materialize<VAgg>(
    prefix: string,
    named: Named | undefined,
    storeName: string,
    supplier: AnyProcessorSupplier,
    materialized: Materialized<K, VAgg> | undefined,
    defaultValueSerde: Serde<VAgg> | undefined,
  ): KTable<K, VAgg> {
    const sinkName = this.graph.suffixedName(named?.name, '-sink', 'KSTREAM-SINK');
    const sourceName = this.graph.suffixedName(named?.name, '-source', 'KSTREAM-SOURCE');
    const name = this.graph.processorName(named?.name, prefix);
    const repartition = RepartitionNode.forTable(
      this.selectNode,
      this.groupName ?? storeName,
      sinkName,
      sourceName,
      {
        keySerde: this.keySerde as Serde<unknown> | undefined,
        valueSerde: deferredChangeSerde(this.valueSerde) as Serde<unknown>,
      },
    );
    // A grouping named by Grouped has one repartition topic for all its aggregations.
    let parent: RepartitionNode;
    if (this.groupName === undefined) parent = this.graph.add(repartition);
    else {
      this.namedRepartition ??= this.graph.add(repartition);
      parent = this.namedRepartition;
    }
    const keySerde = materialized?.keySerde ?? this.keySerde;
    const valueSerde = materialized?.valueSerde ?? defaultValueSerde;
    const node = this.graph.add(
      AggregationNode.keyValue<K, VAgg>(
        name,
        parent,
        supplier,
        storeName,
        keySerde,
        valueSerde,
        materialized,
      ),
    );
    return new KTable<K, VAgg>(this.graph, node, keySerde as Serde<unknown>, valueSerde as Serde<unknown>);
  }
}
