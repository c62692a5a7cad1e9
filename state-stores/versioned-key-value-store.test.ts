import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Serdes } from '../engine/serdes/serdes.js';
import { TaskId } from '../engine/task-id.js';
import type { RestoreCallback, StateStoreContext } from './state-store.js';
import {
  PUT_RETURN_CODE_NOT_PUT,
  PUT_RETURN_CODE_VALID_TO_UNDEFINED,
  type VersionedKeyValueStore,
  type VersionedRecord,
} from './versioned-key-value-store.js';
import { VersionedKeyValueStoreBuilder } from './versioned-key-value-store-builder.js';

const S = Serdes.String();
const RETENTION = 50;

/** A store with a context that records its changelog, and a way to replay that into a fresh one. */
function openStore(persistent: boolean, dir = mkdtempSync(join(tmpdir(), 'rivulet-versioned-'))) {
  const changelog: [Buffer, Buffer | null, number][] = [];
  let restore: RestoreCallback | null = null;
  const context: StateStoreContext = {
    applicationId: 'app',
    taskId: new TaskId(0, 0),
    recordTimestampMs: () => 0,
    recordCache: null,
    storeDirectory: (name) => join(dir, name),
    observeLatency: () => {},
    register: (_store, restoreCallback) => {
      restore = restoreCallback;
      return (key, value, timestampMs) => changelog.push([key, value, timestampMs]);
    },
  };
  const builder = new VersionedKeyValueStoreBuilder<string, string>(
    'versions',
    RETENTION,
    S,
    S,
  ).withStoreType(persistent ? 'persistent' : 'in-memory');
  const store = builder.build();
  store.init(context);
  return { store, changelog, replayInto: () => restore! };
}

/** The model: every put that was taken, per key; reads as Kafka Streams' VersionedKeyValueStore documents. */
class Model {
  private readonly puts = new Map<string, { t: number; v: string | null }[]>();
  private streamTime = -1;

  put(key: string, value: string | null, t: number): number {
    if (t < this.streamTime - RETENTION) return PUT_RETURN_CODE_NOT_PUT;
    this.streamTime = Math.max(this.streamTime, t);
    const versions = (this.puts.get(key) ?? []).filter((x) => x.t !== t);
    versions.push({ t, v: value });
    versions.sort((a, b) => a.t - b.t);
    this.puts.set(key, versions);
    const next = versions.find((x) => x.t > t);
    return next === undefined ? PUT_RETURN_CODE_VALID_TO_UNDEFINED : next.t;
  }

  get(key: string, asOf?: number): VersionedRecord<string> | null {
    const versions = this.puts.get(key) ?? [];
    if (versions.length === 0) return null;
    const latest = versions[versions.length - 1]!;
    const pick = (i: number): VersionedRecord<string> | null => {
      const version = versions[i]!;
      if (version.v === null) return null;
      const next = versions[i + 1];
      return next === undefined
        ? { value: version.v, timestampMs: version.t }
        : { value: version.v, timestampMs: version.t, validToMs: next.t };
    };
    if (asOf === undefined) return pick(versions.length - 1);
    if (asOf < this.streamTime - RETENTION) return latest.t <= asOf ? pick(versions.length - 1) : null;
    for (let i = versions.length - 1; i >= 0; i--) if (versions[i]!.t <= asOf) return pick(i);
    return null;
  }
}

const operation = fc.record({
  key: fc.constantFrom('a', 'b', 'c'),
  value: fc.option(fc.constantFrom('x', 'y', 'z'), { nil: null }),
  t: fc.integer({ min: 0, max: 200 }),
});

describe('VersionedKeyValueStore against a model (fast-check)', () => {
  for (const persistent of [false, true]) {
    it(`${persistent ? 'LMDB' : 'in memory'}: puts (out of order, deletes, too old) and reads as of any time; a restore from the changelog answers the same`, () => {
      fc.assert(
        fc.property(fc.array(operation, { maxLength: 40 }), (ops) => {
          const { store, changelog } = openStore(persistent);
          const model = new Model();
          for (const { key, value, t } of ops)
            expect(store.put(key, value, t)).toBe(model.put(key, value, t));
          const check = (s: VersionedKeyValueStore<string, string>) => {
            for (const key of ['a', 'b', 'c']) {
              expect(s.get(key)).toEqual(model.get(key));
              for (let asOf = -5; asOf <= 205; asOf++) expect(s.get(key, asOf)).toEqual(model.get(key, asOf));
            }
          };
          check(store);
          store.close();
          const restored = openStore(persistent);
          for (const [key, value, t] of changelog) restored.replayInto()(key, value, t);
          check(restored.store);
          restored.store.close();
        }),
        { numRuns: persistent ? 25 : 100 },
      );
    });
  }

  it('keeps the version valid at the edge of the history retention, and only older ones go', () => {
    const { store } = openStore(false);
    store.put('k', 'a', 100);
    store.put('k', 'b', 133);
    store.put('other', 'x', 180); // stream time 180: the retention reaches back to 130
    store.put('k', 'c', 181);
    expect(store.get('k', 131)).toEqual({ value: 'a', timestampMs: 100, validToMs: 133 });
    expect(store.get('k', 129)).toBeNull();
    expect(store.get('k', 181)).toEqual({ value: 'c', timestampMs: 181 });
  });

  it('delete returns the version it ends and is a no-op beyond the history retention', () => {
    const { store } = openStore(false);
    store.put('k', 'v1', 10);
    expect(store.delete('k', 20)).toEqual({ value: 'v1', timestampMs: 10 });
    expect(store.get('k')).toBeNull();
    expect(store.get('k', 15)).toEqual({ value: 'v1', timestampMs: 10, validToMs: 20 });
    store.put('other', 'x', 100);
    expect(store.delete('k', 5)).toBeNull(); // 5 < 100 − 50: too old
    expect(store.put('k', 'late', 40)).toBe(PUT_RETURN_CODE_NOT_PUT);
  });
});
