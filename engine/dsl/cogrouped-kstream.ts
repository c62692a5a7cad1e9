import { streamAggregateSupplier } from '../processor/internals/aggregate-processors.js';
import { storeValueGetter } from '../processor/internals/value-getters.js';
import type { Serde } from '../serdes/serde.js';
import { TopologyError } from '../topology/topology-error.js';
import { cogroupAggregation } from './internals/cogroup-aggregation.js';
import type { GroupedStreamAggregation } from './internals/graph/grouped-stream-aggregation.js';
import { keyValueStoreFor } from './internals/materialize.js';
import type { KGroupedStream } from './kgrouped-stream.js';
import type { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import type { Named } from './named.js';
import { SessionWindowedCogroupedKStream } from './session-windowed-cogrouped-kstream.js';
import { SessionWindows } from './session-windows.js';
import type { SlidingWindows } from './sliding-windows.js';
import { TimeWindowedCogroupedKStream } from './time-windowed-cogrouped-kstream.js';
import type { TimeWindows } from './time-windows.js';

/** @internal An aggregator over one cogrouped stream's values (their types differ per stream). */
export type CogroupAggregator<K, VOut> = (key: K, value: never, aggregate: VOut) => VOut;

/** @internal */
export interface Cogrouped<K, VOut> {
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
    const storeName = first.storeName(materialized, 'COGROUPKSTREAM-AGGREGATE');
    const keySerde = (materialized?.keySerde ?? first.keySerde) as Serde<K> | undefined;
    const valueSerde = materialized?.valueSerde;
    return cogroupAggregation<K, K, VOut>(this.streams, {
      storeName,
      store: keyValueStoreFor(storeName, keySerde, valueSerde, materialized),
      getter: storeValueGetter(storeName),
      supplier: (aggregator) => streamAggregateSupplier<K, never, VOut>(storeName, initializer, aggregator),
      named,
      keySerde,
      valueSerde,
    });
  }

  /** Cogroups per time window (or sliding window): aggregate into a windowed table. */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedCogroupedKStream<K, VOut>;
  /** Cogroups per session: aggregate with a session merger into a session-windowed table. */
  windowedBy(windows: SessionWindows): SessionWindowedCogroupedKStream<K, VOut>;
  windowedBy(
    windows: TimeWindows | SlidingWindows | SessionWindows,
  ): TimeWindowedCogroupedKStream<K, VOut> | SessionWindowedCogroupedKStream<K, VOut> {
    return windows instanceof SessionWindows
      ? new SessionWindowedCogroupedKStream(this.streams, windows)
      : new TimeWindowedCogroupedKStream(this.streams, windows);
  }
}
