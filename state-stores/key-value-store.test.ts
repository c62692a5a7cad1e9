import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Serdes } from '../engine/serdes/serdes.js';
import { TaskId } from '../engine/task-id.js';
import { tpKey } from '../engine/topic-partition.js';
import { CheckpointFile } from './checkpoint-file.js';
import type { KeyValueStore } from './key-value-store.js';
import { RecordCache } from './record-cache.js';
import type { RestoreCallback, StateStoreContext } from './state-store.js';
import { Stores } from './stores.js';

const S = Serdes.String();

function openStore(
  logged: { key: string; value: string | null }[] = [],
  cacheBytes = 0,
  persistent = false,
): KeyValueStore<string, string> {
  const builder = Stores.keyValueStoreBuilder('kv', S, S).withStoreType(
    persistent ? 'persistent' : 'in-memory',
  );
  const store = (cacheBytes > 0 ? builder.withCachingEnabled() : builder).build();
  const context: StateStoreContext = {
    applicationId: 'app',
    taskId: new TaskId(0, 0),
    recordTimestampMs: () => 0,
    recordCache: cacheBytes > 0 ? new RecordCache(cacheBytes) : null,
    observeLatency: () => {},
    storeDirectory: (name) => join(mkdtempSync(join(tmpdir(), 'rivulet-kv-test-')), name),
    register: () => (key, value) => logged.push({ key: key.toString(), value: value?.toString() ?? null }),
  };
  store.init(context);
  return store;
}

// Keys over a small alphabet so operations collide and ranges and prefixes find something; the
// empty string and NUL are keys too (LMDB refuses a zero-length key; lmdb-js iterates backwards
// only down to the key [0x00]: the backend prefixes every key with 0x01).
const keyArb = fc.string({ unit: fc.constantFrom('\u0000', 'a', 'b', 'c', 'é'), minLength: 0, maxLength: 3 });
const op = fc.oneof(
  fc.record({
    kind: fc.constant('put' as const),
    key: keyArb,
    value: fc.option(fc.string({ maxLength: 3 }), { nil: null }),
  }),
  fc.record({ kind: fc.constant('putIfAbsent' as const), key: keyArb, value: fc.string({ maxLength: 3 }) }),
  fc.record({ kind: fc.constant('delete' as const), key: keyArb }),
  fc.record({
    kind: fc.constant('range' as const),
    from: fc.option(keyArb, { nil: null }),
    to: fc.option(keyArb, { nil: null }),
    reverse: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('prefix' as const), prefix: keyArb }),
  fc.record({ kind: fc.constant('flush' as const) }),
);

/** Byte order of the UTF-8 keys, which is what the store promises. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('key-value store against a model (fast-check)', () => {
  // Uncached; cached with room for everything; cached with a budget so small that puts evict.
  it.each([
    ['in memory, without a cache', 0, false],
    ['in memory, with a write-back cache', 1 << 20, false],
    ['in memory, with a tiny, evicting cache', 300, false],
    ['persistent (LMDB), without a cache', 0, true],
    ['persistent (LMDB), with a tiny, evicting cache', 300, true],
  ] as const)(
    '%s: get, put, putIfAbsent, delete, range, reverseRange, prefixScan and all agree with a sorted map',
    (_name, cacheBytes, persistent) => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
          const store = openStore([], cacheBytes, persistent);
          const model = new Map<string, string>();
          const sorted = () =>
            [...model.entries()].sort(([a], [b]) => byBytes(a, b)).map(([key, value]) => ({ key, value }));
          for (const o of ops) {
            switch (o.kind) {
              case 'put':
                store.put(o.key, o.value);
                if (o.value === null) model.delete(o.key);
                else model.set(o.key, o.value);
                break;
              case 'putIfAbsent':
                expect(store.putIfAbsent(o.key, o.value)).toBe(model.get(o.key) ?? null);
                if (!model.has(o.key)) model.set(o.key, o.value);
                break;
              case 'delete':
                expect(store.delete(o.key)).toBe(model.get(o.key) ?? null);
                model.delete(o.key);
                break;
              case 'range': {
                const inRange = sorted().filter(
                  (e) =>
                    (o.from === null || byBytes(e.key, o.from) >= 0) &&
                    (o.to === null || byBytes(e.key, o.to) <= 0),
                );
                const got = [...(o.reverse ? store.reverseRange(o.from, o.to) : store.range(o.from, o.to))];
                expect(got).toEqual(o.reverse ? inRange.reverse() : inRange);
                break;
              }
              case 'flush':
                store.flush();
                break;
              case 'prefix':
                expect([...store.prefixScan(o.prefix, S)]).toEqual(
                  sorted().filter((e) =>
                    Buffer.from(e.key).subarray(0, Buffer.byteLength(o.prefix)).equals(Buffer.from(o.prefix)),
                  ),
                );
                break;
            }
          }
          expect([...store.all()]).toEqual(sorted());
          expect([...store.reverseAll()]).toEqual(sorted().reverse());
          expect(store.approximateNumEntries()).toBe(model.size);
          for (const [k, v] of model) expect(store.get(k)).toBe(v);
          store.close();
        }),
        { numRuns: persistent ? 40 : 100 },
      );
    },
  );

  it.each([
    ['in memory', false],
    ['persistent (LMDB), some writes committed and some buffered', true],
  ] as const)(
    '%s: an iteration is a snapshot: writes during it do not change what it yields',
    (_name, persistent) => {
      const store = openStore([], 0, persistent);
      store.put('a', 'a');
      store.flush();
      for (const k of ['b', 'c']) store.put(k, k);
      const seen: string[] = [];
      for (const { key } of store.all()) {
        seen.push(key);
        store.put(`${key}x`, 'new');
        store.delete('c');
      }
      expect(seen).toEqual(['a', 'b', 'c']);
      expect(store.get('ax')).toBe('new');
      expect([...store.all()].map((e) => e.key)).toEqual(['a', 'ax', 'b', 'bx', 'cx']);
      store.close();
    },
  );

  it('logs every write to the changelog, deletes as tombstones', () => {
    const logged: { key: string; value: string | null }[] = [];
    const store = openStore(logged);
    store.put('a', '1');
    store.putIfAbsent('a', '2');
    store.delete('a');
    expect(logged).toEqual([
      { key: 'a', value: '1' },
      { key: 'a', value: null },
    ]);
  });
});

describe('caching key-value store: what its flush tells the forwarding processor', () => {
  type FlushListening = KeyValueStore<string, string> & {
    setFlushListener(
      listener: (key: string, newValue: string | null, oldValue: string | null) => void,
      sendOldValues: boolean,
    ): boolean;
  };
  for (const sendOldValues of [false, true]) {
    it(`one update per key per flush, old values ${sendOldValues ? 'read back' : 'left out (null)'}, a deletion of a key never stored skipped`, () => {
      for (const persistent of [false, true]) {
        const store = openStore([], 1 << 20, persistent) as FlushListening;
        const seen: [string, string | null, string | null][] = [];
        expect(store.setFlushListener((k, n, o) => seen.push([k, n, o]), sendOldValues)).toBe(true);
        store.put('a', '0');
        store.put('a', '1');
        store.put('b', '1');
        store.flush();
        store.put('a', '2');
        store.delete('b');
        store.delete('never');
        store.flush();
        const old = (value: string) => (sendOldValues ? value : null);
        expect(seen).toEqual([
          ['a', '1', null],
          ['b', '1', null],
          ['a', '2', old('1')],
          ['b', null, old('1')],
        ]);
        store.close();
      }
    });
  }
});

describe('timestamped key-value store', () => {
  it("logs the plain value with the value's timestamp, and a restore joins them again (Kafka Streams' layout)", () => {
    const logged: { key: string; value: string | null; timestampMs: number }[] = [];
    let restore: RestoreCallback = () => {};
    const context = (directory: string): StateStoreContext => ({
      applicationId: 'app',
      taskId: new TaskId(0, 0),
      recordTimestampMs: () => 99,
      recordCache: null,
      observeLatency: () => {},
      storeDirectory: (name) => join(directory, name),
      register: (_store, callback) => {
        restore = callback;
        return (key, value, timestampMs) =>
          logged.push({ key: key.toString(), value: value?.toString() ?? null, timestampMs });
      },
    });
    const builder = Stores.timestampedKeyValueStoreBuilder('ts', S, S).withStoreType('persistent');
    const store = builder.build();
    store.init(context(mkdtempSync(join(tmpdir(), 'rivulet-ts-test-'))));
    store.put('a', { value: 'x', timestampMs: 7 });
    store.put('b', null);
    expect(logged).toEqual([
      { key: 'a', value: 'x', timestampMs: 7 },
      { key: 'b', value: null, timestampMs: 99 },
    ]);

    const restored = builder.build();
    restored.init(context(mkdtempSync(join(tmpdir(), 'rivulet-ts-test-'))));
    restore(Buffer.from('a'), Buffer.from('x'), 7);
    restore(Buffer.from(''), Buffer.from('empty'), 3);
    restored.flush();
    expect([...restored.all()]).toEqual([
      { key: '', value: { value: 'empty', timestampMs: 3 } },
      { key: 'a', value: { value: 'x', timestampMs: 7 } },
    ]);
    store.close();
    restored.close();
  });
});

describe('checkpoint file', () => {
  it('trusts only its own store layout: an older one reads as none, a newer one is an error that says so', () => {
    const directory = mkdtempSync(join(tmpdir(), 'rivulet-checkpoint-test-'));
    const file = new CheckpointFile(directory);
    file.write([{ topic: 't-changelog', partition: 0, offset: 42 }]);
    expect(file.read()).toEqual(new Map([[tpKey({ topic: 't-changelog', partition: 0 }), 42]]));
    expect(readFileSync(join(directory, '.checkpoint'), 'utf8')).toBe('1\n1\nt-changelog 0 42\n');
    expect(file.olderLayout).toBe(false);

    writeFileSync(join(directory, '.checkpoint'), '0\n1\nt-changelog 0 42\n');
    expect(file.read()).toEqual(new Map());
    expect(file.olderLayout).toBe(true);

    writeFileSync(join(directory, '.checkpoint'), '9\n1\nt-changelog 0 42\n');
    expect(() => file.read()).toThrow(/written by a newer rivulet/);
  });
});
