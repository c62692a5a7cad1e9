import type {
  KeyValue,
  KeyValueStore,
  ReadOnlyKeyValueStore,
} from '../../../state-stores/key-value-store.js';
import type { ReadOnlySessionStore } from '../../../state-stores/session-store.js';
import type { ReadOnlyVersionedKeyValueStore } from '../../../state-stores/versioned-key-value-store.js';
import type { ReadOnlyWindowStore } from '../../../state-stores/window-store.js';
import type { Windowed } from '../../../state-stores/windowed.js';
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

/** Runs `pick` on each local store in turn, yielding everything (a key lives in one partition's store). */
function* concatenated<S, T>(stores: readonly S[], pick: (s: S) => IterableIterator<T>): IterableIterator<T> {
  for (const s of stores) yield* pick(s);
}

/** The first answer that is not null, across the local stores. */
function firstFound<S, T>(stores: readonly S[], get: (s: S) => T | null): T | null {
  for (const s of stores) {
    const found = get(s);
    if (found !== null) return found;
  }
  return null;
}

/** A read-only window view over one store's instances in this process (as localStoreView). */
export function localWindowStoreView<K, V>(
  locals: () => ReadOnlyWindowStore<K, V>[],
): ReadOnlyWindowStore<K, V> {
  function fetch(key: K, windowStartMs: number): V | null;
  function fetch(key: K, fromMs: number, toMs: number): IterableIterator<KeyValue<number, V>>;
  function fetch(
    keyFrom: K | null,
    keyTo: K | null,
    fromMs: number,
    toMs: number,
  ): IterableIterator<KeyValue<Windowed<K>, V>>;
  function fetch(a: K | null, b: number | K | null, c?: number, d?: number): unknown {
    const stores = locals();
    if (d !== undefined) return concatenated(stores, (s) => s.fetch(a, b as K | null, c!, d));
    if (c !== undefined) return concatenated(stores, (s) => s.fetch(a as K, b as number, c));
    return firstFound(stores, (s) => s.fetch(a as K, b as number));
  }
  function backwardFetch(key: K, fromMs: number, toMs: number): IterableIterator<KeyValue<number, V>>;
  function backwardFetch(
    keyFrom: K | null,
    keyTo: K | null,
    fromMs: number,
    toMs: number,
  ): IterableIterator<KeyValue<Windowed<K>, V>>;
  function backwardFetch(a: K | null, b: number | K | null, c: number, d?: number): unknown {
    const stores = locals();
    return d === undefined
      ? concatenated(stores, (s) => s.backwardFetch(a as K, b as number, c))
      : concatenated(stores, (s) => s.backwardFetch(a, b as K | null, c, d));
  }
  return {
    fetch,
    backwardFetch,
    fetchAll: (fromMs, toMs) => concatenated(locals(), (s) => s.fetchAll(fromMs, toMs)),
    all: () => concatenated(locals(), (s) => s.all()),
    backwardAll: () => concatenated(locals(), (s) => s.backwardAll()),
  };
}

/** A read-only session view over one store's instances in this process. */
export function localSessionStoreView<K, V>(
  locals: () => ReadOnlySessionStore<K, V>[],
): ReadOnlySessionStore<K, V> {
  return {
    findSessions: (key, earliestEndMs, latestStartMs) =>
      concatenated(locals(), (s) => s.findSessions(key, earliestEndMs, latestStartMs)),
    backwardFindSessions: (key, earliestEndMs, latestStartMs) =>
      concatenated(locals(), (s) => s.backwardFindSessions(key, earliestEndMs, latestStartMs)),
    fetchSession: (key, startMs, endMs) => firstFound(locals(), (s) => s.fetchSession(key, startMs, endMs)),
    fetch: (key) => concatenated(locals(), (s) => s.fetch(key)),
    all: () => concatenated(locals(), (s) => s.all()),
  };
}

/** A read-only versioned view over one store's instances in this process. */
export function localVersionedStoreView<K, V>(
  locals: () => ReadOnlyVersionedKeyValueStore<K, V>[],
): ReadOnlyVersionedKeyValueStore<K, V> {
  return {
    get: (key: K, asOfTimestampMs?: number) =>
      firstFound(locals(), (s) => (asOfTimestampMs === undefined ? s.get(key) : s.get(key, asOfTimestampMs))),
  };
}
