import type { Serde } from '../engine/serdes/serde.js';
import { compositeKey, MAX_TIMESTAMP, splitCompositeKey } from './composite-key.js';
import type { KeyValue } from './key-value-store.js';
import type { SessionStore } from './session-store.js';
import { TimeOrderedStore } from './time-ordered-store.js';
import type { Windowed } from './windowed.js';

/**
 * A session store over the shared bytes layers: entries keyed `key ‖ end ‖ start`, so a key's
 * sessions sort by end time and `findSessions` is one range scan. Sessions that ended more than the
 * retention period before the latest end seen are ignored, refused and purged at flush.
 */
export class MeteredSessionStore<K, V> extends TimeOrderedStore<K> implements SessionStore<K, V> {
  constructor(
    name: string,
    keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    retentionMs: number,
    loggingEnabled: boolean,
    persistent: boolean,
  ) {
    super(name, keySerde, retentionMs, 2, loggingEnabled, persistent);
  }

  put(session: Windowed<K>, value: V | null): void {
    if (session.endMs < session.startMs)
      throw new Error(
        `session store ${this.name}: a session cannot end (${session.endMs}) before it starts (${session.startMs})`,
      );
    this.backend.observe(session.endMs);
    if (this.backend.expired(session.endMs)) return;
    this.backend.put(
      compositeKey(this.keyBytes(session.key), session.endMs, session.startMs),
      this.valueSerde.serialize(this.name, value),
    );
  }

  remove(session: Windowed<K>): void {
    this.put(session, null);
  }

  fetchSession(key: K, startMs: number, endMs: number): V | null {
    if (this.backend.expired(endMs)) return null;
    return this.valueSerde.deserialize(
      this.name,
      this.backend.bytes.get(compositeKey(this.keyBytes(key), endMs, startMs)),
    );
  }

  findSessions(
    key: K,
    earliestSessionEndMs: number,
    latestSessionStartMs: number,
  ): IterableIterator<KeyValue<Windowed<K>, V>> {
    return this.scan(key, earliestSessionEndMs, latestSessionStartMs, false);
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

  private *scan(
    key: K,
    earliestEndMs: number,
    latestStartMs: number,
    reverse: boolean,
  ): IterableIterator<KeyValue<Windowed<K>, V>> {
    const k = this.keyBytes(key);
    const lo = compositeKey(k, Math.max(0, earliestEndMs), 0);
    const hi = compositeKey(k, MAX_TIMESTAMP, MAX_TIMESTAMP);
    for (const entry of this.backend.bytes.range(lo, hi, reverse)) {
      const { key: entryKey, timestamps } = splitCompositeKey(entry.key, 2);
      const [endMs, startMs] = timestamps as [number, number];
      if (
        !entryKey.equals(k) ||
        endMs < earliestEndMs ||
        startMs > latestStartMs ||
        this.backend.expired(endMs)
      )
        continue;
      yield { key: { key, startMs, endMs }, value: this.valueSerde.deserialize(this.name, entry.value) as V };
    }
  }
}
