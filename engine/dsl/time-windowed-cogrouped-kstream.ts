import type { Windowed } from '../../state-stores/windowed.js';
import { slidingWindowAggregateSupplier } from '../processor/internals/sliding-window-aggregate-processor.js';
import { windowStoreValueGetter } from '../processor/internals/value-getters.js';
import { windowAggregateSupplier } from '../processor/internals/window-aggregate-processors.js';
import type { Serde } from '../serdes/serde.js';
import { WindowedSerdes } from '../serdes/windowed-serdes.js';
import type { Cogrouped } from './cogrouped-kstream.js';
import { cogroupAggregation } from './internals/cogroup-aggregation.js';
import { windowStoreFor } from './internals/materialize.js';
import { timeWindowStoreRetentionMs } from './internals/window-retention.js';
import type { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import type { Named } from './named.js';
import type { SlidingWindows } from './sliding-windows.js';
import { TimeWindows } from './time-windows.js';

/**
 * Cogrouped streams cut into time or sliding windows (Kafka Streams' TimeWindowedCogroupedKStream):
 * every record of any stream updates its windows with that stream's aggregator, in one window store.
 */
export class TimeWindowedCogroupedKStream<K, VOut> {
  /** @internal */
  constructor(
    private readonly streams: readonly Cogrouped<K, VOut>[],
    private readonly windows: TimeWindows | SlidingWindows,
  ) {}

  /** The aggregate per key and window, starting from `initializer()`; names as the unwindowed cogroup. */
  aggregate(
    initializer: () => VOut,
    materialized?: Materialized<K, VOut>,
    named?: Named,
  ): KTable<Windowed<K>, VOut> {
    const first = this.streams[0]!.grouped;
    const storeName = first.storeName(materialized, 'COGROUPKSTREAM-AGGREGATE');
    const keySerde = (materialized?.keySerde ?? first.keySerde) as Serde<K> | undefined;
    const valueSerde = materialized?.valueSerde;
    const windows = this.windows;
    const sizeMs = windows instanceof TimeWindows ? windows.sizeMs : windows.timeDifferenceMs;
    const retentionMs = timeWindowStoreRetentionMs(
      materialized as Materialized<unknown, unknown> | undefined,
      storeName,
      windows,
    );
    return cogroupAggregation<Windowed<K>, K, VOut>(this.streams, {
      storeName,
      store: windowStoreFor(
        storeName,
        { windowSizeMs: sizeMs, retentionMs },
        keySerde,
        valueSerde,
        materialized,
      ),
      getter: windowStoreValueGetter<K, VOut>(storeName),
      supplier: (aggregator) =>
        windows instanceof TimeWindows
          ? windowAggregateSupplier<K, never, VOut>(storeName, windows, (key, value, current) =>
              aggregator(key, value, current ?? initializer()),
            )
          : slidingWindowAggregateSupplier<K, never, VOut>(storeName, windows, initializer, aggregator),
      named,
      keySerde: keySerde && (WindowedSerdes.timeWindowedSerdeFrom(keySerde, sizeMs) as Serde<unknown>),
      valueSerde: valueSerde as Serde<unknown> | undefined,
      windowCloseDelayMs: windows.graceMs,
    });
  }
}
