import type {
  KeyValue,
  KeyValueStore,
  ReadOnlyKeyValueStore,
} from '../../../state-stores/key-value-store.js';
import type { Serde } from '../../serdes/serde.js';

/**
 * A read-only key-value view over one store's instances in this process's active tasks. `locals`
 * is asked on every call, so the view follows rebalances (and throws while the instance is not
 * RUNNING).
 */
export function localStoreView<K, V>(locals: () => KeyValueStore<K, V>[]): ReadOnlyKeyValueStore<K, V> {
  const merged = function* (pick: (s: KeyValueStore<K, V>) => IterableIterator<KeyValue<K, V>>) {
    for (const s of locals()) yield* pick(s);
  };
  return {
    get: (key) => {
      for (const s of locals()) {
        const v = s.get(key);
        if (v !== null) return v;
      }
      return null;
    },
    range: (from, to) => merged((s) => s.range(from, to)),
    reverseRange: (from, to) => merged((s) => s.reverseRange(from, to)),
    all: () => merged((s) => s.all()),
    reverseAll: () => merged((s) => s.reverseAll()),
    prefixScan: <P>(prefix: P, serde: Serde<P>) => merged((s) => s.prefixScan(prefix, serde)),
    approximateNumEntries: () => locals().reduce((n, s) => n + s.approximateNumEntries(), 0),
  };
}
