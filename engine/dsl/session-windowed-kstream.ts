import type { Windowed } from '../../state-stores/windowed.js';
import {
  type SessionAggregation,
  sessionAggregateSupplier,
} from '../processor/internals/session-aggregate-processor.js';
import { SessionCloseEmitter } from '../processor/internals/session-close-emitter.js';
import { sessionStoreValueGetter } from '../processor/internals/value-getters.js';
import type { Serde } from '../serdes/serde.js';
import { Serdes } from '../serdes/serdes.js';
import { WindowedSerdes } from '../serdes/windowed-serdes.js';
import { EmitStrategy } from './emit-strategy.js';
import type { GroupedStreamAggregation } from './internals/graph/grouped-stream-aggregation.js';
import { AggregationNode } from './internals/graph/table-nodes.js';
import { lastEmitTimeStore, sessionStoreFor } from './internals/materialize.js';
import { windowStoreRetentionMs } from './internals/window-retention.js';
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
    private readonly strategy: EmitStrategy = EmitStrategy.onWindowUpdate(),
  ) {}

  /**
   * `EmitStrategy.onWindowClose()`: each session's final result once, when stream time − gap −
   * grace passes its end, instead of every update; as for time windows, its store then has no cache
   * and the emit progress is kept in a logged store `<store>-last-emit-time`.
   */
  emitStrategy(strategy: EmitStrategy): SessionWindowedKStream<K, V> {
    return new SessionWindowedKStream(
      this.aggregation,
      this.windows,
      this.keySerde,
      this.valueSerde,
      strategy,
    );
  }

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
    const metadataStore = this.strategy.type === 'ON_WINDOW_CLOSE' ? lastEmitTimeStore(storeName) : undefined;
    // A session closes when stream time passes its end + gap + grace (strictly): with onWindowClose
    // the store keeps it one millisecond longer than per-update aggregations do (Kafka Streams'
    // gap + grace), so no session expires before it is emitted.
    const retentionMs =
      windowStoreRetentionMs(
        materialized as Materialized<unknown, unknown> | undefined,
        storeName,
        gapMs + graceMs,
        'the inactivity gap plus the grace period',
      ) + (metadataStore ? 1 : 0);
    const store = sessionStoreFor(storeName, retentionMs, keySerde, valueSerde, materialized);
    const node = graph.add(
      new AggregationNode<Windowed<K>, VAgg>(
        name,
        parent,
        sessionAggregateSupplier<K, V, VAgg>(
          storeName,
          this.windows,
          aggregation,
          metadataStore && (() => new SessionCloseEmitter<K, VAgg>(metadataStore.name)),
        ),
        // Final results come from the store itself: a cache would only delay them.
        metadataStore ? store.withCachingDisabled() : store,
        sessionStoreValueGetter<K, VAgg>(storeName),
        gapMs + graceMs,
        metadataStore,
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
