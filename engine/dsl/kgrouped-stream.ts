import {
  streamAggregateSupplier,
  streamReduceSupplier,
} from '../processor/internals/aggregate-processors.js';
import type { AnyProcessorSupplier } from '../processor/processor.js';
import type { Serde } from '../serdes/serde.js';
import { Serdes } from '../serdes/serdes.js';
import { type CogroupAggregator, CogroupedKStream } from './cogrouped-kstream.js';
import type { GraphNode } from './internals/graph/graph-node.js';
import { GroupedStreamAggregation } from './internals/graph/grouped-stream-aggregation.js';
import type { InternalStreamsBuilder } from './internals/graph/internal-streams-builder.js';
import { AggregationNode } from './internals/graph/table-nodes.js';
import { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import type { Named } from './named.js';
import { SessionWindowedKStream } from './session-windowed-kstream.js';
import { SessionWindows } from './session-windows.js';
import type { SlidingWindows } from './sliding-windows.js';
import { TimeWindowedKStream } from './time-windowed-kstream.js';
import type { TimeWindows } from './time-windows.js';

/**
 * A stream grouped by key, ready to aggregate into a KTable. Records with a null key or value are
 * skipped (and counted as dropped), as in Kafka Streams.
 */
export class KGroupedStream<K, V> {
  /** @internal */
  readonly aggregation: GroupedStreamAggregation;

  /** @internal */
  constructor(
    graph: InternalStreamsBuilder,
    stream: GraphNode,
    private readonly keySerde: Serde<unknown> | undefined,
    private readonly valueSerde: Serde<unknown> | undefined,
    groupName: string | undefined,
  ) {
    this.aggregation = new GroupedStreamAggregation(graph, stream, keySerde, valueSerde, groupName);
  }

  count(materialized?: Materialized<K, number>, named?: Named): KTable<K, number> {
    this.aggregation.burnCountStoreName(materialized);
    return this.doAggregate(
      () => 0,
      (_key, _value, count) => count + 1,
      materialized,
      named,
      Serdes.Long(),
    );
  }

  reduce(
    reducer: (aggregate: V, value: V) => V,
    materialized?: Materialized<K, V>,
    named?: Named,
  ): KTable<K, V> {
    const storeName = this.aggregation.storeName(materialized, 'KSTREAM-REDUCE');
    return this.materialize(
      this.aggregation.graph.processorName(named?.name, 'KSTREAM-REDUCE'),
      storeName,
      streamReduceSupplier<K, V>(storeName, reducer),
      materialized,
      this.valueSerde as Serde<V>,
    );
  }

  aggregate<VAgg>(
    initializer: () => VAgg,
    aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
    materialized?: Materialized<K, VAgg>,
    named?: Named,
  ): KTable<K, VAgg> {
    return this.doAggregate(initializer, aggregator, materialized, named, undefined);
  }

  /**
   * Starts a co-aggregation (Kafka Streams' cogroup): this and other grouped streams, each with its
   * own aggregator, update one aggregate per key in one store.
   */
  cogroup<VOut>(aggregator: (key: K, value: V, aggregate: VOut) => VOut): CogroupedKStream<K, VOut> {
    return new CogroupedKStream<K, VOut>([
      { grouped: this.aggregation, aggregator: aggregator as CogroupAggregator<K, VOut> },
    ]);
  }

  /** Cuts the grouped stream into time windows; aggregations then produce one row per key and window. */
  windowedBy(windows: TimeWindows): TimeWindowedKStream<K, V>;
  /** Sliding windows: a window per distinct set of records at most the time difference apart. */
  windowedBy(windows: SlidingWindows): TimeWindowedKStream<K, V>;
  /** Cuts the grouped stream into sessions of activity; aggregations produce one row per key and session. */
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(
    windows: TimeWindows | SlidingWindows | SessionWindows,
  ): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    return windows instanceof SessionWindows
      ? new SessionWindowedKStream<K, V>(this.aggregation, windows, this.keySerde, this.valueSerde)
      : new TimeWindowedKStream<K, V>(this.aggregation, windows, this.keySerde, this.valueSerde);
  }

  private doAggregate<VAgg>(
    initializer: () => VAgg,
    aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
    materialized: Materialized<K, VAgg> | undefined,
    named: Named | undefined,
    defaultValueSerde: Serde<VAgg> | undefined,
  ): KTable<K, VAgg> {
    const storeName = this.aggregation.storeName(materialized, 'KSTREAM-AGGREGATE');
    return this.materialize(
      this.aggregation.graph.processorName(named?.name, 'KSTREAM-AGGREGATE'),
      storeName,
      streamAggregateSupplier<K, V, VAgg>(storeName, initializer, aggregator),
      materialized,
      defaultValueSerde,
    );
  }

  /** Store name first, then the aggregation's name, then the repartition (Kafka Streams' numbering). */
  private materialize<VAgg>(
    name: string,
    storeName: string,
    supplier: AnyProcessorSupplier,
    materialized: Materialized<K, VAgg> | undefined,
    defaultValueSerde: Serde<VAgg> | undefined,
  ): KTable<K, VAgg> {
    const { graph } = this.aggregation;
    const keySerde = (materialized?.keySerde ?? this.keySerde) as Serde<K> | undefined;
    const valueSerde = materialized?.valueSerde ?? defaultValueSerde;
    const parent = this.aggregation.input(storeName);
    const node = graph.add(
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
    return new KTable<K, VAgg>(graph, node, keySerde as Serde<unknown>, valueSerde as Serde<unknown>);
  }
}
