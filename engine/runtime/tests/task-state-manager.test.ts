import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../../../state-stores/key-value-store.js';
import { type LoggedLine, recordingLogger } from '../../../test/recording-logger.js';
import { Serdes, Stores, Topology } from '../../index.js';
import { TaskId } from '../../task-id.js';
import { tpKey } from '../../topic-partition.js';
import { StreamsMetrics } from '../internals/metrics.js';
import { TaskStateManager } from '../internals/task-state-manager.js';

const S = Serdes.String();
const CHANGELOG = { topic: 'app-kv-changelog', partition: 0 };

function manager(applicationStateDir: string, sent: string[] = []) {
  const topology = new Topology()
    .addSource('in', 'in')
    .addProcessor('p', { get: () => ({ process: () => {} }) }, 'in')
    .addStateStore(Stores.keyValueStoreBuilder('kv', S, S).withStoreType('persistent'), 'p');
  const env = {
    applicationId: 'app',
    builder: topology.internal,
    metrics: new StreamsMetrics(),
    defaultKeySerde: undefined,
    defaultValueSerde: undefined,
    recordCache: null,
    applicationStateDir,
  };
  const active = {
    recordTimestampMs: () => 5,
    sendChangelog: (topic: string, _p: number, key: Buffer) => sent.push(`${topic}:${key}`),
  };
  return new TaskStateManager(new TaskId(0, 0), ['kv'], env, active);
}

describe('TaskStateManager (the one owner of a task’s stores)', () => {
  it('registers the stores with their changelogs and counts the writes since the checkpoint', () => {
    const sent: string[] = [];
    const m = manager(mkdtempSync(join(tmpdir(), 'rivulet-tsm-')), sent);
    const store = m.stores.get('kv') as KeyValueStore<string, string>;
    store.put('a', '1');
    expect(sent).toEqual(['app-kv-changelog:a']);
    expect(m.changelogPartitions()).toEqual([CHANGELOG]);
    expect(m.hasPersistentStores()).toBe(true);
    expect(m.writesSinceCheckpoint).toBe(1);
    m.writeCheckpoint([{ ...CHANGELOG, offset: 1 }]);
    expect(m.writesSinceCheckpoint).toBe(0);
    m.close();
  });

  it('starts a restore at a valid checkpoint; wipes and starts at 0 without one, past the end, or from an older layout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rivulet-tsm-'));
    const lines: LoggedLine[] = [];
    const logger = recordingLogger(lines);
    const start = (ends: number, removeCheckpoint = false) => {
      const m = manager(dir);
      const starts = m.restoreStarts(logger, { ends: new Map([[tpKey(CHANGELOG), ends]]), removeCheckpoint });
      const from = [...starts.values()][0];
      const kept = (m.stores.get('kv') as KeyValueStore<string, string>).get('a');
      return { m, from, kept };
    };
    const seed = manager(dir);
    (seed.stores.get('kv') as KeyValueStore<string, string>).put('a', '1');
    seed.flush();
    seed.writeCheckpoint([{ ...CHANGELOG, offset: 7 }]);
    seed.close();

    const valid = start(10);
    expect([valid.from, valid.kept]).toEqual([7, '1']);
    valid.m.close();

    const beyond = start(3);
    expect([beyond.from, beyond.kept]).toEqual([0, null]);
    beyond.m.close();

    writeFileSync(join(dir, '0_0', '.checkpoint'), '0\n1\napp-kv-changelog 0 7\n');
    const older = start(10);
    expect(older.from).toBe(0);
    expect(lines.some((l) => /written by an older rivulet/.test(l.msg))).toBe(true);
    older.m.close();

    // exactly-once: the checkpoint is removed once read, so a crash leaves none behind.
    const eos = manager(dir);
    eos.writeCheckpoint([{ ...CHANGELOG, offset: 1 }]);
    eos.close();
    start(10, true).m.close();
    expect(existsSync(join(dir, '0_0', '.checkpoint'))).toBe(false);
  });
});
