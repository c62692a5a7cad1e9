import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Consumed,
  EmbeddedLog,
  KafkaStreams,
  Materialized,
  Serdes,
  type StateRestoreListener,
  StreamsBuilder,
} from '../../index.js';
import { waitUntil } from './wait-until.js';

const S = Serdes.String();
let seq = 0;

function counting(storeType: 'persistent' | 'in-memory') {
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>('words', Consumed.with(S, S))
    .groupByKey()
    .count(Materialized.as<string, number>('counts').withStoreType(storeType).withCachingDisabled());
  return builder.build();
}

async function runUntilCounted(
  cluster: string,
  stateDir: string,
  storeType: 'persistent' | 'in-memory',
  expected: Map<string, number>,
  listener?: StateRestoreListener,
) {
  const streams = new KafkaStreams(counting(storeType), {
    applicationId: 'restore',
    bootstrapServers: `memory://${cluster}`,
    stateDir,
    commitIntervalMs: 20,
  });
  if (listener) streams.setGlobalStateRestoreListener(listener);
  await streams.start();
  await streams.waitForState('RUNNING');
  const restoredAtStart = Number(
    (await streams.metrics().getSingleMetric('rivulet_restored_records_total')?.get())?.values[0]?.value ?? 0,
  );
  await waitUntil(
    () => [...expected].every(([k, n]) => streams.store<string, number>('counts').get(k) === n),
    10_000,
    'the counts',
  );
  await streams.close();
  return { streams, restoredAtStart };
}

describe('restore from the changelog', () => {
  it('a persistent store restarts from its checkpoint (only the tail); after cleanUp() it restores everything', async () => {
    const cluster = `restore-${seq++}`;
    const stateDir = mkdtempSync(join(tmpdir(), 'rivulet-restore-'));
    const log = EmbeddedLog.named(cluster).createTopic('words', 2);
    const words = (n: number, offset = 0) =>
      Array.from({ length: n }, (_, i) => ({ key: `w${(i + offset) % 50}`, value: 'x' }));
    const model = new Map<string, number>();
    const add = (records: { key: string; value: string }[]) => {
      for (const r of records) model.set(r.key, (model.get(r.key) ?? 0) + 1);
      log.produce('words', records, S, S);
    };

    add(words(1000));
    const first = await runUntilCounted(cluster, stateDir, 'persistent', model);
    expect(first.restoredAtStart).toBe(0);
    const changelogSize = log.endOffsets('restore-counts-changelog').reduce((a, b) => a + b, 0);
    expect(changelogSize).toBe(1000);

    add(words(100, 7));
    const second = await runUntilCounted(cluster, stateDir, 'persistent', model);
    expect(second.restoredAtStart, 'the checkpoint was at the changelog end: nothing to replay').toBe(0);

    await second.streams.cleanUp();
    add(words(10));
    const events: string[] = [];
    let batched = 0;
    let ended = 0;
    const third = await runUntilCounted(cluster, stateDir, 'persistent', model, {
      onRestoreStart: (tp, store, from, to) => events.push(`start ${store} ${tp.partition} ${from}..${to}`),
      onBatchRestored: (_tp, _store, _last, n) => {
        batched += n;
      },
      onRestoreEnd: (_tp, _store, total) => {
        ended += total;
      },
    });
    expect(third.restoredAtStart, 'after cleanUp the whole changelog is replayed').toBe(1100);
    // One start per changelog partition, from 0 to that partition's end at restore time (1100 in all).
    expect(events).toHaveLength(2);
    const restoredRange = events.map((e) => /^start counts \d 0\.\.(\d+)$/.exec(e)?.[1]);
    expect(restoredRange.reduce((n, end) => n + Number(end), 0)).toBe(1100);
    expect(batched).toBe(1100);
    expect(ended).toBe(1100);
  });

  it('an in-memory store always restores the whole changelog', async () => {
    const cluster = `restore-${seq++}`;
    const stateDir = mkdtempSync(join(tmpdir(), 'rivulet-restore-'));
    const log = EmbeddedLog.named(cluster).createTopic('words', 1);
    log.produce(
      'words',
      [
        { key: 'a', value: 'x' },
        { key: 'a', value: 'x' },
      ],
      S,
      S,
    );
    await runUntilCounted(cluster, stateDir, 'in-memory', new Map([['a', 2]]));
    log.produce('words', [{ key: 'a', value: 'x' }], S, S);
    const again = await runUntilCounted(cluster, stateDir, 'in-memory', new Map([['a', 3]]));
    expect(again.restoredAtStart).toBe(2);
  });

  it('refuses a state directory another live process holds', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'rivulet-lock-'));
    mkdirSync(join(stateDir, 'restore'), { recursive: true });
    writeFileSync(join(stateDir, 'restore', '.lock'), String(process.ppid));
    const cluster = `restore-${seq++}`;
    EmbeddedLog.named(cluster).createTopic('words', 1);
    const streams = new KafkaStreams(counting('persistent'), {
      applicationId: 'restore',
      bootstrapServers: `memory://${cluster}`,
      stateDir,
    });
    await expect(streams.start()).rejects.toThrow(
      `is locked by process ${process.ppid}: two instances of an application on one machine need different stateDir settings`,
    );
  });
});
