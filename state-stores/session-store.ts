import type { KeyValue } from './key-value-store.js';
import type { StateStore } from './state-store.js';
import type { Windowed } from './windowed.js';

/** The queries of a session store. A session is `Windowed<K>` with inclusive start and end. */
export interface ReadOnlySessionStore<K, V> {
  /** Sessions of `key` that end at or after `earliestSessionEndMs` and start at or before `latestSessionStartMs`. */
  findSessions(
    key: K,
    earliestSessionEndMs: number,
    latestSessionStartMs: number,
  ): IterableIterator<KeyValue<Windowed<K>, V>>;
  backwardFindSessions(
    key: K,
    earliestSessionEndMs: number,
    latestSessionStartMs: number,
  ): IterableIterator<KeyValue<Windowed<K>, V>>;
  /** The value of exactly this session, or null. */
  fetchSession(key: K, startMs: number, endMs: number): V | null;
  /** Every session of `key`. */
  fetch(key: K): IterableIterator<KeyValue<Windowed<K>, V>>;
  /** Every session of every key (in key-byte order, then by end). */
  all(): IterableIterator<KeyValue<Windowed<K>, V>>;
}

export interface SessionStore<K, V> extends StateStore, ReadOnlySessionStore<K, V> {
  readonly retentionMs: number;
  /** A null value removes the session. */
  put(session: Windowed<K>, value: V | null): void;
  remove(session: Windowed<K>): void;
}
