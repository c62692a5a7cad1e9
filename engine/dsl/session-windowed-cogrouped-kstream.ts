import type { Windowed } from '../../state-stores/windowed.js';
import { sessionAggregateSupplier } from '../processor/internals/session-aggregate-processor.js';
import { sessionStoreValueGetter } from '../processor/internals/value-getters.js';
import type { Serde } from '../serdes/serde.js';
import { WindowedSerdes } from '../serdes/windowed-serdes.js';
import type { Cogrouped } from './cogrouped-kstream.js';
import { cogroupAggregation } from './internals/cogroup-aggregation.js';
import { sessionStoreFor } from './internals/materialize.js';
import { windowStoreRetentionMs } from './internals/window-retention.js';
import type { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import type { Named } from './named.js';
import type { SessionWindows } from './session-windows.js';

/**
 * Cogrouped streams cut into sessions (Kafka Streams' SessionWindowedCogroupedKStream): records of
 * any stream extend, start or merge a key's sessions in one session store.
 */
export class SessionWindowedCogroupedKStream<K, VOut> {
  /** @internal */
  constructor(
    private readonly streams: readonly Cogrouped<K, VOut>[],
    private readonly windows: SessionWindows,
  ) {}

  /** The aggregate per key and session; `sessionMerger` joins two sessions a record bridges. */
  aggregate(
    initializer: () => VOut,
    sessionMerger: (key: K, aggregate1: VOut, aggregate2: VOut) => VOut,
    materialized?: Materialized<K, VOut>,
    named?: Named,
  ): KTable<Windowed<K>, VOut> {
    const first = this.streams[0]!.grouped;
    const storeName = first.storeName(materialized, 'COGROUPKSTREAM-AGGREGATE');
    const keySerde = (materialized?.keySerde ?? first.keySerde) as Serde<K> | undefined;
    const valueSerde = materialized?.valueSerde;
    const { gapMs, graceMs } = this.windows;
    return cogroupAggregation<Windowed<K>, K, VOut>(this.streams, {
      storeName,
      store: sessionStoreFor(
        storeName,
        windowStoreRetentionMs(
          materialized as Materialized<unknown, unknown> | undefined,
          storeName,
          gapMs + graceMs,
          'the inactivity gap plus the grace period',
        ),
        keySerde,
        valueSerde,
        materialized,
      ),
      getter: sessionStoreValueGetter<K, VOut>(storeName),
      supplier: (aggregator) =>
        sessionAggregateSupplier<K, never, VOut>(storeName, this.windows, {
          initializer,
          aggregator,
          merger: sessionMerger,
        }),
      named,
      keySerde: keySerde && (WindowedSerdes.sessionWindowedSerdeFrom(keySerde) as Serde<unknown>),
      valueSerde: valueSerde as Serde<unknown> | undefined,
      windowCloseDelayMs: gapMs + graceMs,
    });
  }
}
