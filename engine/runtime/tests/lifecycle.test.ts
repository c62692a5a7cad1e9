import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Consumed,
  EmbeddedLog,
  KafkaStreams,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
} from '../../index.js';
import { waitUntil } from './wait-until.js';

const S = Serdes.String();
const running: KafkaStreams[] = [];
let seq = 0;
afterEach(async () => {
  await Promise.all(running.splice(0).map((i) => i.close()));
});

/** Throws on the first record whose value is 'boom', then never again (a transient failure). */
function flakyTopology(state: { thrown: boolean }) {
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>('in', Consumed.with(S, S))
    .mapValues((v) => {
      if (v === 'boom' && !state.thrown) {
        state.thrown = true;
        throw new Error('transient failure');
      }
      return v.toUpperCase();
    })
    .to('out', Produced.with(S, S));
  return builder.build();
}

describe('uncaught errors', () => {
  for (const policy of ['shutdown_client', 'replace_thread'] as const) {
    it(`${policy}: ${policy === 'replace_thread' ? 'a new thread takes over and nothing is lost' : 'the instance goes to ERROR'}`, async () => {
      const cluster = `lifecycle-${seq++}`;
      const log = EmbeddedLog.named(cluster).createTopic('in', 2).createTopic('out', 2);
      const streams = new KafkaStreams(flakyTopology({ thrown: false }), {
        applicationId: 'flaky',
        bootstrapServers: `memory://${cluster}`,
        uncaughtExceptionHandler: policy,
        commitIntervalMs: 10,
      });
      running.push(streams);
      await streams.start();
      log.produce(
        'in',
        ['a', 'boom', 'b'].map((v) => ({ key: v, value: v })),
        S,
        S,
      );
      if (policy === 'shutdown_client') {
        await streams.waitForState('ERROR');
        expect(streams.error()?.message).toMatch(
          /processing error for the record at in-\d offset \d+: transient failure/,
        );
        return;
      }
      await waitUntil(() => log.read('out', S, S).length >= 3, 10_000, 'all three records');
      expect(new Set(log.read('out', S, S).map((r) => r.value))).toEqual(new Set(['A', 'BOOM', 'B']));
      expect(streams.state()).toBe('RUNNING');
      expect(await streams.metrics().getSingleMetricAsString('rivulet_thread_replacements_total')).toMatch(
        / 1$/m,
      );
    });
  }
});

describe('queryMetadataForKey and metrics', () => {
  it('names the instance whose local store holds the key', async () => {
    const cluster = `metadata-${seq++}`;
    const log = EmbeddedLog.named(cluster).createTopic('words', 4);
    const topology = () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('words', Consumed.with(S, S))
        .groupByKey()
        .count(Materialized.as('counts'));
      return builder.build();
    };
    const instances = ['x', 'y'].map(
      (id) =>
        new KafkaStreams(topology(), {
          applicationId: 'meta',
          bootstrapServers: `memory://${cluster}`,
          instanceId: id,
          applicationServer: `${id}.local:80`,
        }),
    );
    running.push(...instances);
    for (const i of instances) await i.start();
    const keys = Array.from({ length: 40 }, (_, i) => `word-${i}`);
    log.produce(
      'words',
      keys.map((k) => ({ key: k, value: k })),
      S,
      S,
    );
    await waitUntil(
      () =>
        instances.every((i) => i.state() === 'RUNNING') &&
        instances.reduce((n, i) => n + i.store('counts').approximateNumEntries(), 0) === 40,
      10_000,
      'all keys counted',
    );
    for (const key of keys) {
      const meta = instances[0]!.queryMetadataForKey('counts', key, S);
      expect(meta.activeHost, `host of ${key}`).not.toBeNull();
      const host = meta.activeHost!.instanceId === 'x' ? instances[0]! : instances[1]!;
      expect(meta.activeHost!.hostInfo).toBe(`${meta.activeHost!.instanceId}.local:80`);
      expect(host.store<string, number>('counts').get(key), `${key} on ${meta.activeHost?.instanceId}`).toBe(
        1,
      );
      expect(
        instances
          .find((i) => i !== host)!
          .store<string, number>('counts')
          .get(key),
      ).toBeNull();
    }
    const metrics = await instances[0]!.metrics().metrics();
    expect(metrics).toMatch(/rivulet_active_tasks \d/);
    expect(metrics).toMatch(/rivulet_commit_duration_seconds_count/);
    expect(metrics).toMatch(
      /rivulet_store_operation_seconds_count\{store="counts",operation="flush"\} [1-9]/,
    );
  });
});

describe('cleanUp()', () => {
  it('wipes <stateDir>/<applicationId>, and refuses while the instance runs', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'rivulet-cleanup-'));
    const appDir = join(stateDir, 'cleanup-app');
    mkdirSync(join(appDir, '0_0'), { recursive: true });
    writeFileSync(join(appDir, '0_0', '.checkpoint'), 'x');
    const cluster = `cleanup-${seq++}`;
    EmbeddedLog.named(cluster).createTopic('in', 1).createTopic('out', 1);
    const streams = new KafkaStreams(flakyTopology({ thrown: true }), {
      applicationId: 'cleanup-app',
      bootstrapServers: `memory://${cluster}`,
      stateDir,
    });
    running.push(streams);
    await streams.start();
    await expect(streams.cleanUp()).rejects.toThrow(/call it before start\(\) or after close\(\)/);
    expect(existsSync(appDir)).toBe(true);
    await streams.close();
    await streams.cleanUp();
    expect(existsSync(appDir)).toBe(false);
    expect(existsSync(stateDir)).toBe(true);
  });
});
