import type { Windowed } from '../../state-stores/windowed.js';
import { windowAggregateSupplier } from '../processor/internals/window-aggregate-processors.js';
import type { Serde } from '../serdes/serde.js';
import { Serdes } from '../serdes/serdes.js';
import { WindowedSerdes } from '../serdes/windowed-serdes.js';
import { windowStoreFor } from './internals/materialize.js';
import { insertRepartition, type StreamNode } from './internals/stream-node.js';
import { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import type { TimeWindows } from './time-windows.js';

/**
 * A grouped stream cut into time windows (KGroupedStream.windowedBy): aggregations produce a
 * KTable keyed by Windowed<K>, backed by a window store kept for window size + grace. Its key serde
 * (when the grouping's key serde is known) is WindowedSerdes.timeWindowedSerdeFrom.
 */
export class TimeWindowedKStream<K, V> {
  /** @internal */
  constructor(
    private readonly stream: StreamNode,
    private readonly windows: TimeWindows,
    private readonly keySerde: Serde<unknown> | undefined,
    private readonly valueSerde: Serde<unknown> | undefined,
    private readonly groupName: string | undefined,
  ) {}

  count(materialized?: Materialized<K, number>): KTable<Windowed<K>, number> {
    return this.windowed((_key, _value, count) => (count ?? 0) + 1, materialized, Serdes.Long());
  }

  reduce(reducer: (aggregate: V, value: V) => V, materialized?: Materialized<K, V>): KTable<Windowed<K>, V> {
    return this.windowed(
      (_key, value, current) => (current === null ? value : reducer(current, value)),
      materialized,
      this.valueSerde as Serde<V> | undefined,
    );
  }

  aggregate<VAgg>(
    initializer: () => VAgg,
    aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
    materialized?: Materialized<K, VAgg>,
  ): KTable<Windowed<K>, VAgg> {
    return this.windowed(
      (key, value, current) => aggregator(key, value, current ?? initializer()),
      materialized,
      undefined,
    );
  }

  private windowed<VAgg>(
    update: (key: K, value: V, current: VAgg | null) => VAgg,
    materialized: Materialized<K, VAgg> | undefined,
    defaultValueSerde: Serde<VAgg> | undefined,
  ): KTable<Windowed<K>, VAgg> {
    const { builder } = this.stream;
    const storeName = materialized?.storeName ?? builder.newName('KSTREAM-AGGREGATE-STATE-STORE');
    const parent = this.stream.repartitionRequired
      ? insertRepartition(this.stream, this.groupName ?? storeName, this.keySerde, this.valueSerde)
      : this.stream.nodeName;
    const processorName = builder.newName('KSTREAM-AGGREGATE');
    const supplier = windowAggregateSupplier<K, V, VAgg>(storeName, this.windows, update);
    builder.addProcessor(processorName, supplier, [parent]);
    const keySerde = (materialized?.keySerde ?? this.keySerde) as Serde<K> | undefined;
    const valueSerde = materialized?.valueSerde ?? defaultValueSerde;
    const { sizeMs, graceMs } = this.windows;
    builder.addStateStore(
      windowStoreFor(
        storeName,
        { windowSizeMs: sizeMs, retentionMs: sizeMs + graceMs },
        keySerde,
        valueSerde,
        materialized,
      ),
      processorName,
    );
    return new KTable<Windowed<K>, VAgg>(
      builder,
      processorName,
      keySerde && (WindowedSerdes.timeWindowedSerdeFrom(keySerde, this.windows.sizeMs) as Serde<unknown>),
      valueSerde as Serde<unknown> | undefined,
      storeName,
    );
  }
}
