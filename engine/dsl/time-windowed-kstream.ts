import type { Windowed } from '../../state-stores/windowed.js';
import { slidingWindowAggregateSupplier } from '../processor/internals/sliding-window-aggregate-processor.js';
import { windowStoreValueGetter } from '../processor/internals/value-getters.js';
import { windowAggregateSupplier } from '../processor/internals/window-aggregate-processors.js';
import {
  type CloseRange,
  slidingWindowCloseRange,
  timeWindowCloseRange,
  WindowCloseEmitter,
} from '../processor/internals/window-close-emitter.js';
import type { Serde } from '../serdes/serde.js';
import { Serdes } from '../serdes/serdes.js';
import { WindowedSerdes } from '../serdes/windowed-serdes.js';
import { EmitStrategy } from './emit-strategy.js';
import type { GroupedStreamAggregation } from './internals/graph/grouped-stream-aggregation.js';
import { AggregationNode } from './internals/graph/table-nodes.js';
import { lastEmitTimeStore, windowStoreFor } from './internals/materialize.js';
import { timeWindowStoreRetentionMs } from './internals/window-retention.js';
import { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import type { Named } from './named.js';
import type { SlidingWindows } from './sliding-windows.js';
import { TimeWindows } from './time-windows.js';

/**
 * A grouped stream cut into time windows (KGroupedStream.windowedBy): aggregations produce a
 * KTable keyed by Windowed<K>, backed by a window store kept for window size + grace. Its key serde
 * (when the grouping's key serde is known) is WindowedSerdes.timeWindowedSerdeFrom.
 */
export class TimeWindowedKStream<K, V> {
  /** @internal */
  constructor(
    private readonly aggregation: GroupedStreamAggregation,
    private readonly windows: TimeWindows | SlidingWindows,
    private readonly keySerde: Serde<unknown> | undefined,
    private readonly valueSerde: Serde<unknown> | undefined,
    private readonly strategy: EmitStrategy = EmitStrategy.onWindowUpdate(),
  ) {}

  /**
   * `EmitStrategy.onWindowClose()`: each window's final result once, when it closes, instead of
   * every update (no suppress() needed). Its store then has no cache; the emit progress is kept in
   * a logged store `<store>-last-emit-time`, so final results are neither repeated nor lost on restart.
   */
  emitStrategy(strategy: EmitStrategy): TimeWindowedKStream<K, V> {
    return new TimeWindowedKStream(this.aggregation, this.windows, this.keySerde, this.valueSerde, strategy);
  }

  count(materialized?: Materialized<K, number>, named?: Named): KTable<Windowed<K>, number> {
    // Kafka Streams burns a store number for an unnamed count over time windows, not sliding ones.
    if (this.windows instanceof TimeWindows) this.aggregation.burnCountStoreName(materialized);
    return this.windowed(
      'KSTREAM-AGGREGATE',
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
  ): KTable<Windowed<K>, V> {
    // Kafka Streams' reduce: a null initial aggregate, taken over by the first value.
    return this.windowed<V>(
      'KSTREAM-REDUCE',
      () => null as V,
      (_key, value, aggregate) => (aggregate === null ? value : reducer(aggregate, value)),
      materialized,
      named,
      this.valueSerde as Serde<V> | undefined,
    );
  }

  aggregate<VAgg>(
    initializer: () => VAgg,
    aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
    materialized?: Materialized<K, VAgg>,
    named?: Named,
  ): KTable<Windowed<K>, VAgg> {
    return this.windowed('KSTREAM-AGGREGATE', initializer, aggregator, materialized, named, undefined);
  }

  private windowed<VAgg>(
    prefix: string,
    initializer: () => VAgg,
    aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
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
    const windows = this.windows;
    const sizeMs = windows instanceof TimeWindows ? windows.sizeMs : windows.timeDifferenceMs;
    const retentionMs = timeWindowStoreRetentionMs(
      materialized as Materialized<unknown, unknown> | undefined,
      storeName,
      windows,
    );
    const onClose = this.strategy.type === 'ON_WINDOW_CLOSE';
    const metadataStore = onClose ? lastEmitTimeStore(storeName) : undefined;
    const emitter = (range: CloseRange) =>
      metadataStore && (() => new WindowCloseEmitter<K, VAgg>(metadataStore.name, range));
    const supplier =
      windows instanceof TimeWindows
        ? windowAggregateSupplier<K, V, VAgg>(
            storeName,
            windows,
            (key, value, current) => aggregator(key, value, current ?? initializer()),
            emitter(timeWindowCloseRange(sizeMs, (t) => windows.windowStartsFor(t))),
          )
        : slidingWindowAggregateSupplier<K, V, VAgg>(
            storeName,
            windows,
            initializer,
            aggregator,
            emitter(slidingWindowCloseRange(sizeMs)),
          );
    const store = windowStoreFor(
      storeName,
      { windowSizeMs: sizeMs, retentionMs },
      keySerde,
      valueSerde,
      materialized,
    );
    const node = graph.add(
      new AggregationNode<Windowed<K>, VAgg>(
        name,
        parent,
        supplier,
        // Final results come from the store itself: a cache would only delay them.
        onClose ? store.withCachingDisabled() : store,
        windowStoreValueGetter<K, VAgg>(storeName),
        windows.graceMs,
        metadataStore,
      ),
    );
    return new KTable<Windowed<K>, VAgg>(
      graph,
      node,
      keySerde && (WindowedSerdes.timeWindowedSerdeFrom(keySerde, sizeMs) as Serde<unknown>),
      valueSerde as Serde<unknown> | undefined,
    );
  }
}
