import type { Windowed } from '../../state-stores/windowed.js';
import {
  type SessionAggregation,
  sessionAggregateSupplier,
} from '../processor/internals/session-aggregate-processor.js';
import { sessionStoreValueGetter } from '../processor/internals/value-getters.js';
import type { Serde } from '../serdes/serde.js';
import { Serdes } from '../serdes/serdes.js';
import { WindowedSerdes } from '../serdes/windowed-serdes.js';
import type { GroupedStreamAggregation } from './internals/graph/grouped-stream-aggregation.js';
import { AggregationNode } from './internals/graph/table-nodes.js';
import { sessionStoreFor } from './internals/materialize.js';
import { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import type { Named } from './named.js';
import type { SessionWindows } from './session-windows.js';

/**
 * A grouped stream cut into sessions (KGroupedStream.windowedBy(SessionWindows)): aggregations
 * produce a KTable keyed by the session (`Windowed<K>`, start and end inclusive), backed by a
 * session store kept for gap + grace. When a record merges sessions, the merged-away ones are
 * deleted downstream (tombstones) and the merged one updated. Its key serde (when the grouping's
 * key serde is known) is WindowedSerdes.sessionWindowedSerdeFrom.
 */
export class SessionWindowedKStream<K, V> {
  /** @internal */
  constructor(
    private readonly aggregation: GroupedStreamAggregation,
    private readonly windows: SessionWindows,
    private readonly keySerde: Serde<unknown> | undefined,
    private readonly valueSerde: Serde<unknown> | undefined,
  ) {}

  count(materialized?: Materialized<K, number>, named?: Named): KTable<Windowed<K>, number> {
    this.aggregation.burnCountStoreName(materialized);
    return this.sessions(
      'KSTREAM-AGGREGATE',
      { initializer: () => 0, aggregator: (_k, _v, count) => count + 1, merger: (_k, a, b) => a + b },
      materialized,
      named,
      Serdes.Long(),
    );
  }

  /** The first value of a session is its aggregate; merging sessions reduces their aggregates. */
  reduce(
    reducer: (aggregate: V, value: V) => V,
    materialized?: Materialized<K, V>,
    named?: Named,
  ): KTable<Windowed<K>, V> {
    // Kafka Streams' reduce: a null initial aggregate, taken over by the first value.
    const add = (_key: K, value: V, aggregate: V | null): V =>
      aggregate === null ? value : reducer(aggregate, value);
    return this.sessions<V>(
      'KSTREAM-REDUCE',
      {
        initializer: () => null as V,
        aggregator: add,
        merger: (key, aggregate1, aggregate2) => add(key, aggregate2, aggregate1),
      },
      materialized,
      named,
      this.valueSerde as Serde<V> | undefined,
    );
  }

  /** `merger` combines two sessions' aggregates when a record bridges them. */
  aggregate<VAgg>(
    initializer: () => VAgg,
    aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
    merger: (key: K, aggregate1: VAgg, aggregate2: VAgg) => VAgg,
    materialized?: Materialized<K, VAgg>,
    named?: Named,
  ): KTable<Windowed<K>, VAgg> {
    return this.sessions(
      'KSTREAM-AGGREGATE',
      { initializer, aggregator, merger },
      materialized,
      named,
      undefined,
    );
  }

  private sessions<VAgg>(
    prefix: string,
    aggregation: SessionAggregation<K, V, VAgg>,
    materialized: Materialized<K, VAgg> | undefined,
    named: Named | undefined,
    defaultValueSerde: Serde<VAgg> | undefined,
  ): KTable<Windowed<K>, VAgg> {
    const { graph } = this.aggregation;
    const storeName = this.aggregation.storeName(materialized, prefix);
    const name = graph.processorName(named?.name, prefix);
    const parent = this.aggregation.input(storeName);
    const keySerde = (materialized?.keySerde ?? this.keySerde) as Serde<K> | undefined;
    const valueSerde = materialized?.valueSerde ?? defaultValueSerde;
    const { gapMs, graceMs } = this.windows;
    const node = graph.add(
      new AggregationNode<Windowed<K>, VAgg>(
        name,
        parent,
        sessionAggregateSupplier<K, V, VAgg>(storeName, this.windows, aggregation),
        sessionStoreFor(storeName, gapMs + graceMs, keySerde, valueSerde, materialized),
        sessionStoreValueGetter<K, VAgg>(storeName),
        gapMs + graceMs,
      ),
    );
    return new KTable<Windowed<K>, VAgg>(
      graph,
      node,
      keySerde && (WindowedSerdes.sessionWindowedSerdeFrom(keySerde) as Serde<unknown>),
      valueSerde as Serde<unknown> | undefined,
    );
  }
}
