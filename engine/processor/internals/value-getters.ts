import type { KeyValueStore } from '../../../state-stores/key-value-store.js';
import type { SessionStore } from '../../../state-stores/session-store.js';
import type { SuppressionBufferStore } from '../../../state-stores/suppression-buffer.js';
import type { ValueAndTimestamp } from '../../../state-stores/value-and-timestamp.js';
import { isVersioned, type VersionedKeyValueStore } from '../../../state-stores/versioned-key-value-store.js';
import type { WindowStore } from '../../../state-stores/window-store.js';
import type { Windowed } from '../../../state-stores/windowed.js';
import type { ProcessingContext } from '../processor.js';

/**
 * A table's current value for a key, as Kafka Streams' KTableValueGetter: what a join looks up. A
 * materialized table answers from its store; a filter or mapValues that was not materialized
 * answers by asking its parent and applying its function, so only the nearest store is kept.
 */
export interface KTableValueGetter<K, V> {
  init(context: ProcessingContext): void;
  /** The latest value; with `asOfTimestampMs`, a versioned table's value as of then (others ignore it). */
  get(key: K, asOfTimestampMs?: number): ValueAndTimestamp<V> | null;
  /** Whether `get` answers as of a time (the table is kept in a versioned store). */
  isVersioned(): boolean;
}

/** Makes a getter per task; `storeNames` are the stores its processor must be connected to. */
export interface KTableValueGetterSupplier<K, V> {
  readonly storeNames: readonly string[];
  get(): KTableValueGetter<K, V>;
}

/** Reads a timestamped key-value store (table sources, aggregations, materialized results). */
export function storeValueGetter<K, V>(storeName: string): KTableValueGetterSupplier<K, V> {
  return {
    storeNames: [storeName],
    get() {
      let store!: KeyValueStore<K, ValueAndTimestamp<V>>;
      let versioned: VersionedKeyValueStore<K, V> | null = null;
      return {
        init(context) {
          const found = context.getStateStore<KeyValueStore<K, ValueAndTimestamp<V>>>(storeName);
          if (isVersioned(found)) versioned = found as unknown as VersionedKeyValueStore<K, V>;
          else store = found;
        },
        get: (key, asOfTimestampMs) =>
          versioned ? versioned.get(key, asOfTimestampMs as number) : store.get(key),
        isVersioned: () => versioned !== null,
      };
    },
  };
}

/** Reads a global store (GlobalKTable): any processor may, without being connected to it. */
export function globalStoreValueGetter<K, V>(storeName: string): KTableValueGetterSupplier<K, V> {
  return { ...storeValueGetter<K, V>(storeName), storeNames: [] };
}

/** Reads a timestamped window store by window key (windowed aggregations). */
export function windowStoreValueGetter<K, V>(storeName: string): KTableValueGetterSupplier<Windowed<K>, V> {
  return {
    storeNames: [storeName],
    get() {
      let store!: WindowStore<K, ValueAndTimestamp<V>>;
      return {
        init(context) {
          store = context.getStateStore<WindowStore<K, ValueAndTimestamp<V>>>(storeName);
        },
        get: (windowed) => store.fetch(windowed.key, windowed.startMs),
        isVersioned: () => false,
      };
    },
  };
}

/**
 * The parent's value with `fn` applied (KTableFilter's and KTableMapValues' getters): a value `fn`
 * maps to null is absent; the timestamp is the parent's.
 */
export function transformedValueGetter<K, V, V2>(
  parent: KTableValueGetterSupplier<K, V>,
  fn: (value: V, key: K) => V2 | null,
): KTableValueGetterSupplier<K, V2> {
  return {
    storeNames: parent.storeNames,
    get() {
      const getter = parent.get();
      return {
        init: (context) => getter.init(context),
        get(key, asOfTimestampMs) {
          const found = getter.get(key, asOfTimestampMs);
          if (found === null) return null;
          const value = fn(found.value, key);
          return value === null ? null : { value, timestampMs: found.timestampMs };
        },
        isVersioned: () => getter.isVersioned(),
      };
    },
  };
}

/** Reads a session store by session key (session-windowed aggregations); a session's timestamp is its end. */
export function sessionStoreValueGetter<K, V>(storeName: string): KTableValueGetterSupplier<Windowed<K>, V> {
  return {
    storeNames: [storeName],
    get() {
      let store!: SessionStore<K, V>;
      return {
        init(context) {
          store = context.getStateStore<SessionStore<K, V>>(storeName);
        },
        get(session) {
          const value = store.fetchSession(session.key, session.startMs, session.endMs);
          return value === null ? null : { value, timestampMs: session.endMs };
        },
        isVersioned: () => false,
      };
    },
  };
}

/** A suppressed table as downstream saw it (Kafka Streams' KTableSuppressProcessorSupplier.view()): a held key's prior value, else the parent's. */
export function suppressedValueGetter<K, V>(
  parent: KTableValueGetterSupplier<K, V>,
  bufferStoreName: string,
): KTableValueGetterSupplier<K, V> {
  return {
    storeNames: [...parent.storeNames, bufferStoreName],
    get() {
      const getter = parent.get();
      let buffer!: SuppressionBufferStore<K, V>;
      return {
        init(context) {
          getter.init(context);
          buffer = context.getStateStore<SuppressionBufferStore<K, V>>(bufferStoreName);
        },
        get(key) {
          const held = buffer.get(key);
          if (held === null) return getter.get(key);
          return held.prior === null ? null : { value: held.prior, timestampMs: held.timestampMs };
        },
        isVersioned: () => false,
      };
    },
  };
}
