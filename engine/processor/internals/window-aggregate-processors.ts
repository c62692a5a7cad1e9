import type { WindowStore } from '../../../state-stores/window-store.js';
import type { Windowed } from '../../../state-stores/windowed.js';
import type { TimeWindows } from '../../dsl/time-windows.js';
import type { ProcessorSupplier } from '../processor.js';
import { Record } from '../record.js';
import { type Change, change } from './change.js';
import type { InternalProcessorContext } from './internal-context.js';
import { forwardsOnFlush } from './store-forwarding.js';

/**
 * KGroupedStream.windowedBy(TimeWindows).aggregate (and count, reduce), as Kafka Streams'
 * KStreamWindowAggregate: each record updates every window that contains its timestamp and is not
 * closed yet (window end + grace > the highest timestamp this processor has seen); records for closed
 * windows are dropped and counted. Emits Change(new, old) per updated window — at cache flush when
 * the store caches, else at once.
 */
export function windowAggregateSupplier<K, V, VAgg>(
  storeName: string,
  windows: TimeWindows,
  /** The window's new aggregate from its current one (null: the window is new). */
  update: (key: K, value: V, current: VAgg | null) => VAgg,
): ProcessorSupplier<K, V, Windowed<K>, Change<VAgg>> {
  return {
    get() {
      let context!: InternalProcessorContext<Windowed<K>, Change<VAgg>>;
      let store!: WindowStore<K, VAgg>;
      let storeForwards = false;
      let observedStreamTimeMs = -1;
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<Windowed<K>, Change<VAgg>>;
          store = ctx.getStateStore<WindowStore<K, VAgg>>(storeName);
          storeForwards = forwardsOnFlush<Windowed<K>, VAgg>(store, context);
        },
        process(record) {
          if (record.key === null || record.key === undefined) {
            context.recordDropped('null-key');
            return;
          }
          if (record.value === null || record.value === undefined) {
            context.recordDropped('null-value');
            return;
          }
          const timestampMs = record.timestampMs;
          if (timestampMs > observedStreamTimeMs) observedStreamTimeMs = timestampMs;
          const closeTimeMs = observedStreamTimeMs - windows.graceMs;
          for (const startMs of windows.windowStartsFor(timestampMs)) {
            const endMs = startMs + windows.sizeMs;
            if (endMs <= closeTimeMs) {
              context.recordDropped('window-closed');
              continue;
            }
            const old = store.fetch(record.key, startMs);
            const next = update(record.key, record.value, old);
            store.put(record.key, next, startMs);
            if (!storeForwards) {
              context.forward(
                new Record({ key: record.key, startMs, endMs }, change(next, old), timestampMs),
              );
            }
          }
        },
      };
    },
  };
}
