import type { Serde } from '../engine/serdes/serde.js';
import { compositeKey, MAX_TIMESTAMP, splitCompositeKey } from './composite-key.js';
import type { KeyValue } from './key-value-store.js';
import type { SessionStore } from './session-store.js';
import { type TimeOrderedLayers, TimeOrderedStore } from './time-ordered-store.js';
import type { Windowed } from './windowed.js';

/**
 * A session store over the shared bytes layers: entries keyed `key ‖ end ‖ start`, so a key's
 * sessions sort by end time and `findSessions` is one range scan. Sessions that ended more than the
 * retention period before the latest end seen are ignored, refused and purged at flush. With
 * caching, repeated updates to a session between commits become one changelog write and one
 * downstream update (as Kafka Streams' CachingSessionStore).
 */
export class MeteredSessionStore<K, V> extends TimeOrderedStore<K, V> implements SessionStore<K, V> {
  constructor(
    name: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    retentionMs: number,
    layers: TimeOrderedLayers,
  ) {
    super(name, keySerde, valueSerde, retentionMs, 2, layers);
  }

  /**
   * Registers who forwards this store's updates downstream. Returns true when the store caches:
   * then updates reach the listener at flush or eviction and the processor must not forward itself.
   * Old values reach it only with `sendOldValues`.
   */
  setFlushListener(
    listener: (session: Windowed<K>, newValue: V | null, oldValue: V | null, timestampMs: number) => void,
    sendOldValues = true,
  ): boolean {
    this.cache.setFlushListener(
      (key, newValue, oldValue, timestampMs) => listener(this.session(key), newValue, oldValue, timestampMs),
      sendOldValues,
    );
    return this.cache.caching;
  }

  put(session: Windowed<K>, value: V | null): void {
    if (session.endMs < session.startMs)
      throw new Error(
        `session store ${this.name}: a session cannot end (${session.endMs}) before it starts (${session.startMs})`,
      );
    this.backend.observe(session.endMs);
    if (this.backend.expired(session.endMs)) return;
    const started = this.timer.start();
    this.cache.put(
      compositeKey(this.keyBytes(session.key), session.endMs, session.startMs),
      value,
      this.context!.recordTimestampMs(),
    );
    this.timer.end('put', started);
  }

  remove(session: Windowed<K>): void {
    this.put(session, null);
  }

  fetchSession(key: K, startMs: number, endMs: number): V | null {
    if (this.backend.expired(endMs)) return null;
    const started = this.timer.start();
    const value = this.cache.get(compositeKey(this.keyBytes(key), endMs, startMs));
    this.timer.end('get', started);
    return value;
  }

  findSessions(
    key: K,
    earliestSessionEndMs: number,
    latestSessionStartMs: number,
  ): IterableIterator<KeyValue<Windowed<K>, V>> {
    return this.timer.range(() => this.scan(key, earliestSessionEndMs, latestSessionStartMs, false));
  }

  backwardFindSessions(
    key: K,
    earliestSessionEndMs: number,
    latestSessionStartMs: number,
  ): IterableIterator<KeyValue<Windowed<K>, V>> {
    return this.scan(key, earliestSessionEndMs, latestSessionStartMs, true);
  }

  fetch(key: K): IterableIterator<KeyValue<Windowed<K>, V>> {
    return this.scan(key, 0, MAX_TIMESTAMP, false);
  }

  *all(): IterableIterator<KeyValue<Windowed<K>, V>> {
    for (const entry of this.cache.range(null, null, false)) {
      const session = this.session(entry.key);
      if (!this.backend.expired(session.endMs)) yield { key: session, value: entry.value };
    }
  }

  private *scan(
    key: K,
    earliestEndMs: number,
    latestStartMs: number,
    reverse: boolean,
  ): IterableIterator<KeyValue<Windowed<K>, V>> {
    const k = this.keyBytes(key);
    const lo = compositeKey(k, Math.max(0, earliestEndMs), 0);
    const hi = compositeKey(k, MAX_TIMESTAMP, MAX_TIMESTAMP);
    for (const entry of this.cache.range(lo, hi, reverse)) {
      const { key: entryKey, timestamps } = splitCompositeKey(entry.key, 2);
      const [endMs, startMs] = timestamps as [number, number];
      if (
        !entryKey.equals(k) ||
        endMs < earliestEndMs ||
        startMs > latestStartMs ||
        this.backend.expired(endMs)
      )
        continue;
      yield { key: { key, startMs, endMs }, value: entry.value };
    }
  }

  private session(composite: Buffer): Windowed<K> {
    const { key, timestamps } = splitCompositeKey(composite, 2);
    const [endMs, startMs] = timestamps as [number, number];
    return { key: this.keySerde.deserialize(this.name, key) as K, startMs, endMs };
  }
}
