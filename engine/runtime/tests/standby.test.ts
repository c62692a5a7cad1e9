import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Consumed, EmbeddedLog, KafkaStreams, Materialized, Serdes, StreamsBuilder } from '../../index.js';
import { waitUntil } from './wait-until.js';

const S = Serdes.String();

function counting() {
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>('words', Consumed.with(S, S))
    .groupByKey()
    .count(Materialized.as<string, number>('counts').withCachingDisabled());
  return builder.build();
}

const restored = async (s: KafkaStreams) =>
  Number((await s.metrics().getSingleMetric('rivulet_restored_records_total')?.get())?.values[0]?.value ?? 0);

describe('standby replicas', () => {
  it('the instance with the standby takes over a task and replays only the tail', async () => {
    const cluster = `standby-${Date.now()}`;
    const log = EmbeddedLog.named(cluster).createTopic('words', 4);
    const start = (id: string) =>
      new KafkaStreams(counting(), {
        applicationId: 'standby',
        bootstrapServers: `memory://${cluster}`,
        instanceId: id,
        numStandbyReplicas: 1,
        stateDir: mkdtempSync(join(tmpdir(), `rivulet-standby-${id}-`)),
        commitIntervalMs: 20,
      });
    const [x, y] = [start('x'), start('y')];
    try {
      await x.start();
      await y.start();
      const keys = Array.from({ length: 200 }, (_, i) => `w${i}`);
      log.produce(
        'words',
        Array.from({ length: 4000 }, (_, i) => ({ key: keys[i % 200]!, value: 'x' })),
        S,
        S,
      );
      await waitUntil(
        () =>
          keys.every((k) => {
            const n = [x, y]
              .map((i) => (i.state() === 'RUNNING' ? i.store<string, number>('counts').get(k) : null))
              .find((v) => v !== null);
            return n === 20;
          }),
        10_000,
        'all counts',
      );
      // Each instance hosts the standbys of the other's tasks.
      await waitUntil(
        () => {
          const meta = x.metadataForAllStreamsClients();
          const byId = new Map(meta.map((m) => [m.instanceId, m]));
          const [mx, my] = [byId.get('x'), byId.get('y')];
          return (
            !!mx &&
            !!my &&
            mx.activeTasks.length > 0 &&
            [...mx.activeTasks].sort().join() === [...my.standbyTasks].sort().join() &&
            [...my.activeTasks].sort().join() === [...mx.standbyTasks].sort().join()
          );
        },
        10_000,
        'standbys placed on the other instance',
      );
      const someKeyOfX = keys.find(
        (k) => x.queryMetadataForKey('counts', k, S).activeHost?.instanceId === 'x',
      )!;
      expect(x.queryMetadataForKey('counts', someKeyOfX, S).standbyHosts.map((m) => m.instanceId)).toEqual([
        'y',
      ]);
      await new Promise((r) => setTimeout(r, 600)); // a few standby passes: caught up
      const changelog = log.endOffsets('standby-counts-changelog').reduce((a, b) => a + b, 0);
      expect(changelog).toBe(4000);
      const before = await restored(y);

      await x.close();
      await waitUntil(
        () => y.state() === 'RUNNING' && y.activeTaskIds().length === 4,
        10_000,
        'y to own every task',
      );
      const replayed = (await restored(y)) - before;
      console.log(`standby take-over replayed ${replayed} of ${changelog} changelog records`);
      expect(replayed).toBeLessThan(changelog * 0.1);
      for (const k of keys) expect(y.store<string, number>('counts').get(k)).toBe(20);
    } finally {
      await Promise.all([x.close(), y.close()]);
    }
  });

  it('needs a state directory of its own per instance', async () => {
    const cluster = `standby-shared-${Date.now()}`;
    EmbeddedLog.named(cluster).createTopic('words', 1);
    const stateDir = mkdtempSync(join(tmpdir(), 'rivulet-standby-shared-'));
    const make = (id: string) =>
      new KafkaStreams(counting(), {
        applicationId: 'shared',
        bootstrapServers: `memory://${cluster}`,
        instanceId: id,
        numStandbyReplicas: 1,
        stateDir,
      });
    const [a, b] = [make('a'), make('b')];
    try {
      await a.start();
      await expect(b.start()).rejects.toThrow(/numStandbyReplicas needs a stateDir of its own per instance/);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
