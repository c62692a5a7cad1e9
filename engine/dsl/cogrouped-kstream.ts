import { streamAggregateSupplier } from '../processor/internals/aggregate-processors.js';
import { passThroughSupplier } from '../processor/internals/stream-processors.js';
import { storeValueGetter } from '../processor/internals/value-getters.js';
import type { Serde } from '../serdes/serde.js';
import { TopologyError } from '../topology/topology-error.js';
import { ProcessorNode } from './internals/graph/graph-node.js';
import type { GroupedStreamAggregation } from './internals/graph/grouped-stream-aggregation.js';
import { AggregationNode, PassThroughTableNode } from './internals/graph/table-nodes.js';
import { keyValueStoreFor } from './internals/materialize.js';
import type { KGroupedStream } from './kgrouped-stream.js';
import { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import type { Named } from './named.js';

/** @internal An aggregator over one cogrouped stream's values (their types differ per stream). */
export type CogroupAggregator<K, VOut> = (key: K, value: never, aggregate: VOut) => VOut;

interface Cogrouped<K, VOut> {
  readonly grouped: GroupedStreamAggregation;
  readonly aggregator: CogroupAggregator<K, VOut>;
}

/**
 * Several grouped streams aggregated into one table (Kafka Streams' CogroupedKStream): each record
 * of any of them updates its key's one aggregate with that stream's aggregator, in record order, so
 * no join of per-stream tables is needed. The streams must be co-partitioned (each is repartitioned
 * first if its key changed).
 */
export class CogroupedKStream<K, VOut> {
  /** @internal */
  constructor(private readonly streams: readonly Cogrouped<K, VOut>[]) {}

  /** Adds another grouped stream with its aggregator. */
  cogroup<V2>(
    grouped: KGroupedStream<K, V2>,
    aggregator: (key: K, value: V2, aggregate: VOut) => VOut,
  ): CogroupedKStream<K, VOut> {
    if (this.streams.some((s) => s.grouped === grouped.aggregation))
      throw new TopologyError('cogroup: this grouped stream is already part of the cogroup');
    return new CogroupedKStream<K, VOut>([
      ...this.streams,
      { grouped: grouped.aggregation, aggregator: aggregator as CogroupAggregator<K, VOut> },
    ]);
  }

  /**
   * The aggregate per key, starting from `initializer()`. Names as Kafka Streams: the store
   * (`COGROUPKSTREAM-AGGREGATE-STATE-STORE-…` unless named), one `COGROUPKSTREAM-AGGREGATE-…` node per
   * stream (`<name>-cogroup-agg-<i>`), and a `COGROUPKSTREAM-MERGE-…` node (`<name>-cogroup-merge`).
   */
  aggregate(initializer: () => VOut, materialized?: Materialized<K, VOut>, named?: Named): KTable<K, VOut> {
    const first = this.streams[0]!.grouped;
    const { graph } = first;
    const storeName = first.storeName(materialized, 'COGROUPKSTREAM-AGGREGATE');
    const parents = this.streams.map((s) => s.grouped.input(storeName));
    const keySerde = (materialized?.keySerde ?? first.keySerde) as Serde<K> | undefined;
    const valueSerde = materialized?.valueSerde;
    const store = keyValueStoreFor(storeName, keySerde, valueSerde, materialized);
    const aggregates = this.streams.map(({ aggregator }, i) => {
      const name = graph.suffixedName(named?.name, `-cogroup-agg-${i}`, 'COGROUPKSTREAM-AGGREGATE');
      const supplier = streamAggregateSupplier<K, never, VOut>(storeName, initializer, aggregator);
      // The first node brings the store; the others share it.
      return graph.add(
        i === 0
          ? new AggregationNode<K, VOut>(name, parents[i]!, supplier, store, storeValueGetter(storeName))
          : new ProcessorNode(name, [parents[i]!], supplier, { storeNames: [storeName] }),
      );
    });
    const mergeName = graph.suffixedName(named?.name, '-cogroup-merge', 'COGROUPKSTREAM-MERGE');
    const merge = graph.add(
      new PassThroughTableNode<K, VOut>(
        mergeName,
        aggregates,
        passThroughSupplier(),
        storeValueGetter(storeName),
        {
          copartitioned: true,
        },
      ),
    );
    return new KTable<K, VOut>(graph, merge, keySerde as Serde<unknown>, valueSerde as Serde<unknown>);
  }
}
