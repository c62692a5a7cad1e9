import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Serdes } from '../engine/serdes/serdes.js';
import { TaskId } from '../engine/task-id.js';
import { compositeKey } from './composite-key.js';
import { RecordCache } from './record-cache.js';
import type { MeteredSessionStore } from './session-store-impl.js';
import type { StateStore, StateStoreContext } from './state-store.js';
import { Stores } from './stores.js';
import type { MeteredWindowStore } from './window-store-impl.js';

const S = Serdes.String();

// Uncached; cached with room for everything; cached with a budget so small that puts evict.
const CACHE_CASES = [
  ['in-memory', 0],
  ['in-memory', 1 << 20],
  ['in-memory', 300],
  ['persistent', 0],
  ['persistent', 300],
] as const;

function init<T extends StateStore>(store: T, logged: string[] = [], cacheBytes = 0): T {
  const context: StateStoreContext = {
    applicationId: 'app',
    taskId: new TaskId(0, 0),
    recordTimestampMs: () => 0,
    recordCache: cacheBytes > 0 ? new RecordCache(cacheBytes) : null,
    observeLatency: () => {},
    storeDirectory: (name) => join(mkdtempSync(join(tmpdir(), 'rivulet-time-store-')), name),
    register: () => (key, value) => logged.push(`${key.length}:${value?.toString() ?? 'null'}`),
  };
  store.init(context);
  return store;
}

const keyArb = fc.constantFrom('a', 'b', 'ab', 'b\u0000', 'c');
const timeArb = fc.integer({ min: 0, max: 2_000 });
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe.each(CACHE_CASES)(
  '%s window store (cache %i bytes) against a model (fast-check)',
  (storeType, cacheBytes) => {
    const SIZE = 100;
    const RETENTION = 1_000;
    it('put, fetch(key, t), fetch(key, from, to), fetch(keyFrom, keyTo, from, to), fetchAll, all and backward variants agree', () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              key: keyArb,
              start: timeArb,
              value: fc.option(fc.string({ maxLength: 2 }), { nil: null }),
            }),
            { maxLength: 40 },
          ),
          fc.record({
            key: keyArb,
            keyFrom: fc.option(keyArb, { nil: null }),
            keyTo: fc.option(keyArb, { nil: null }),
            from: timeArb,
            to: timeArb,
          }),
          (puts, q) => {
            const builder = Stores.windowStoreBuilder(
              'w',
              { retentionMs: RETENTION, windowSizeMs: SIZE },
              S,
              S,
            ).withStoreType(storeType);
            const store = init(
              (cacheBytes > 0 ? builder.withCachingEnabled() : builder).build(),
              [],
              cacheBytes,
            );
            const model = new Map<string, string>(); // `${key}@${start}` -> value
            let observed = -1;
            for (const p of puts) {
              observed = Math.max(observed, p.start);
              if (p.start <= observed - RETENTION) continue;
              store.put(p.key, p.value, p.start);
              if (p.value === null) model.delete(`${p.key}@${p.start}`);
              else model.set(`${p.key}@${p.start}`, p.value);
            }
            const live = [...model]
              .map(([k, value]) => {
                const at = k.lastIndexOf('@');
                return { key: k.slice(0, at), start: Number(k.slice(at + 1)), value };
              })
              .filter((e) => e.start > observed - RETENTION)
              // The store's documented order: the serialized key followed by the 8-byte window start.
              .sort((x, y) =>
                Buffer.compare(
                  compositeKey(Buffer.from(x.key), x.start),
                  compositeKey(Buffer.from(y.key), y.start),
                ),
              );
            const windowed = (e: (typeof live)[number]) => ({
              key: { key: e.key, startMs: e.start, endMs: e.start + SIZE },
              value: e.value,
            });

            expect(store.fetch(q.key, q.from)).toBe(
              live.find((e) => e.key === q.key && e.start === q.from)?.value ?? null,
            );
            const oneKey = live
              .filter((e) => e.key === q.key && e.start >= q.from && e.start <= q.to)
              .map((e) => ({ key: e.start, value: e.value }));
            expect([...store.fetch(q.key, q.from, q.to)]).toEqual(oneKey);
            expect([...store.backwardFetch(q.key, q.from, q.to)]).toEqual([...oneKey].reverse());
            const inKeyRange = live.filter(
              (e) =>
                (q.keyFrom === null || byBytes(e.key, q.keyFrom) >= 0) &&
                (q.keyTo === null || byBytes(e.key, q.keyTo) <= 0) &&
                e.start >= q.from &&
                e.start <= q.to,
            );
            expect([...store.fetch(q.keyFrom, q.keyTo, q.from, q.to)]).toEqual(inKeyRange.map(windowed));
            expect([...store.backwardFetch(q.keyFrom, q.keyTo, q.from, q.to)]).toEqual(
              inKeyRange.map(windowed).reverse(),
            );
            expect([...store.fetchAll(q.from, q.to)]).toEqual(
              live.filter((e) => e.start >= q.from && e.start <= q.to).map(windowed),
            );
            store.flush(); // purges expired windows: nothing live may go
            expect([...store.all()]).toEqual(live.map(windowed));
            expect([...store.backwardAll()]).toEqual(live.map(windowed).reverse());
            store.close();
          },
        ),
        { numRuns: storeType === 'persistent' ? 30 : 100 },
      );
    });

    it('keeps duplicates when asked to (joins)', () => {
      const store = init(
        Stores.windowStoreBuilder(
          'w',
          { retentionMs: RETENTION, windowSizeMs: SIZE, retainDuplicates: true },
          S,
          S,
        )
          .withStoreType(storeType)
          .build(),
      );
      store.put('k', 'first', 10);
      store.put('k', 'second', 10);
      expect([...store.fetch('k', 0, 20)].map((e) => e.value)).toEqual(['first', 'second']);
      store.close();
    });
  },
);

describe.each(['in-memory', 'persistent'] as const)(
  '%s window and session stores with a record cache',
  (storeType) => {
    const SIZE = 100;
    const RETENTION = 1_000;
    it('with a cache, repeated updates of a window become one changelog write and one forward at flush', () => {
      const logged: string[] = [];
      const store = init(
        Stores.windowStoreBuilder('w', { retentionMs: RETENTION, windowSizeMs: SIZE }, S, S)
          .withStoreType(storeType)
          .withCachingEnabled()
          .build(),
        logged,
        1 << 20,
      ) as unknown as MeteredWindowStore<string, string>;
      const forwarded: string[] = [];
      expect(
        store.setFlushListener((key, value, old) =>
          forwarded.push(`${key.key}@${key.startMs}-${key.endMs}=${value} (was ${old})`),
        ),
      ).toBe(true);
      for (const v of ['1', '2', '3']) store.put('k', v, 100);
      expect(store.fetch('k', 100)).toBe('3');
      expect(logged).toEqual([]);
      store.flush();
      expect(logged).toHaveLength(1);
      expect(forwarded).toEqual(['k@100-200=3 (was null)']);
      store.put('k', '4', 100);
      store.flush();
      expect(forwarded[1]).toBe('k@100-200=4 (was 3)');
      store.close();
    });

    it('with a cache, repeated updates of a session become one changelog write and one forward at flush', () => {
      const logged: string[] = [];
      const store = init(
        Stores.sessionStoreBuilder('s', RETENTION, S, S)
          .withStoreType(storeType)
          .withCachingEnabled()
          .build(),
        logged,
        1 << 20,
      ) as unknown as MeteredSessionStore<string, string>;
      const forwarded: string[] = [];
      expect(
        store.setFlushListener((session, value, old) =>
          forwarded.push(`${session.key}@${session.startMs}-${session.endMs}=${value} (was ${old})`),
        ),
      ).toBe(true);
      const session = { key: 'k', startMs: 10, endMs: 20 };
      for (const v of ['1', '2', '3']) store.put(session, v);
      expect(store.fetchSession('k', 10, 20)).toBe('3');
      expect(logged).toEqual([]);
      store.flush();
      expect(logged).toHaveLength(1);
      expect(forwarded).toEqual(['k@10-20=3 (was null)']);
      store.remove(session);
      store.flush();
      expect(forwarded[1]).toBe('k@10-20=null (was 3)');
      store.close();
    });
  },
);

describe.each(CACHE_CASES)(
  '%s session store (cache %i bytes) against a model (fast-check)',
  (storeType, cacheBytes) => {
    const RETENTION = 1_000;
    it('put, remove, findSessions, backwardFindSessions, fetchSession and fetch agree', () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              key: keyArb,
              start: timeArb,
              length: fc.integer({ min: 0, max: 300 }),
              value: fc.option(fc.string({ maxLength: 2 }), { nil: null }),
            }),
            { maxLength: 40 },
          ),
          fc.record({ key: keyArb, earliestEnd: timeArb, latestStart: timeArb }),
          (puts, q) => {
            const builder = Stores.sessionStoreBuilder('s', RETENTION, S, S).withStoreType(storeType);
            const store = init(
              (cacheBytes > 0 ? builder.withCachingEnabled() : builder).build(),
              [],
              cacheBytes,
            );
            const model = new Map<string, { key: string; start: number; end: number; value: string }>();
            let observed = -1;
            for (const p of puts) {
              const end = p.start + p.length;
              observed = Math.max(observed, end);
              if (end <= observed - RETENTION) continue;
              store.put({ key: p.key, startMs: p.start, endMs: end }, p.value);
              const id = `${p.key}|${p.start}|${end}`;
              if (p.value === null) model.delete(id);
              else model.set(id, { key: p.key, start: p.start, end, value: p.value });
            }
            const live = [...model.values()].filter((s) => s.end > observed - RETENTION);
            const ofKey = live
              .filter((s) => s.key === q.key)
              .sort((a, b) => a.end - b.end || a.start - b.start);
            const session = (s: (typeof live)[number]) => ({
              key: { key: s.key, startMs: s.start, endMs: s.end },
              value: s.value,
            });
            const found = ofKey
              .filter((s) => s.end >= q.earliestEnd && s.start <= q.latestStart)
              .map(session);
            expect([...store.findSessions(q.key, q.earliestEnd, q.latestStart)]).toEqual(found);
            expect([...store.backwardFindSessions(q.key, q.earliestEnd, q.latestStart)]).toEqual(
              [...found].reverse(),
            );
            expect([...store.fetch(q.key)]).toEqual(ofKey.map(session));
            for (const s of live) expect(store.fetchSession(s.key, s.start, s.end)).toBe(s.value);
            store.close();
          },
        ),
        { numRuns: storeType === 'persistent' ? 30 : 100 },
      );
    });
  },
);

describe('timestamped key-value store', () => {
  it('keeps the value with the timestamp of the record that set it', () => {
    const store = init(Stores.timestampedKeyValueStoreBuilder('t', S, S).build());
    store.put('k', { value: 'v', timestampMs: 1_700_000_000_123 });
    expect(store.get('k')).toEqual({ value: 'v', timestampMs: 1_700_000_000_123 });
  });

  it('window and session changelogs are compact,delete with retention plus a day', () => {
    expect(
      Stores.windowStoreBuilder('w', { retentionMs: 1000, windowSizeMs: 10 }, S, S).changelogConfig(),
    ).toEqual({
      'cleanup.policy': 'compact,delete',
      'retention.ms': String(1000 + 86_400_000),
    });
    expect(Stores.keyValueStoreBuilder('k', S, S).changelogConfig()).toEqual({ 'cleanup.policy': 'compact' });
  });
});
