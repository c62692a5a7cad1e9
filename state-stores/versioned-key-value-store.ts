import type { StateStore } from './state-store.js';

/** One version of a key's value (Kafka Streams' VersionedRecord): valid from `timestampMs` until `validToMs` (exclusive). */
export interface VersionedRecord<V> {
  readonly value: V;
  readonly timestampMs: number;
  /** Absent for the latest version. */
  readonly validToMs?: number;
}

/** `put` answer: the record is the key's latest version. */
export const PUT_RETURN_CODE_VALID_TO_UNDEFINED = -1;
/** `put` answer: the record is older than the history retention allows, and was not put. */
export const PUT_RETURN_CODE_NOT_PUT = Number.MIN_SAFE_INTEGER;

/** What interactive queries may read of a versioned store. */
export interface ReadOnlyVersionedKeyValueStore<K, V> {
  /** The latest version, or null (no value, or the latest is a delete). */
  get(key: K): VersionedRecord<V> | null;
  /**
   * The version valid at `asOfTimestampMs` (the one with the largest timestamp not after it), or
   * null: none, a delete, or a time older than the history retention (unless the latest version
   * is valid then).
   */
  get(key: K, asOfTimestampMs: number): VersionedRecord<V> | null;
}

/**
 * A key-value store that keeps each key's versions by timestamp for `historyRetentionMs` of
 * stream time (Kafka Streams' VersionedKeyValueStore, KIP-889), so a value can be read "as of" a
 * time: what a temporal stream-table join needs.
 */
export interface VersionedKeyValueStore<K, V> extends StateStore, ReadOnlyVersionedKeyValueStore<K, V> {
  readonly historyRetentionMs: number;
  /**
   * Adds a version (null: a delete at that time). Returns PUT_RETURN_CODE_VALID_TO_UNDEFINED when it
   * is the key's latest version, the next version's timestamp when it is not, and
   * PUT_RETURN_CODE_NOT_PUT when it is older than stream time − history retention (not put).
   */
  put(key: K, value: V | null, timestampMs: number): number;
  /** `get(key, timestampMs)` then `put(key, null, timestampMs)`; null and no-op when too old. */
  delete(key: K, timestampMs: number): VersionedRecord<V> | null;
}

/** Whether a store is versioned (a store's builder decides; the DSL's table processors ask). */
export function isVersioned(store: object): store is VersionedKeyValueStore<unknown, unknown> {
  return typeof (store as { historyRetentionMs?: unknown }).historyRetentionMs === 'number';
}
