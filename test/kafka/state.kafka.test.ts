import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Consumed, KafkaStreams, Materialized, Serdes, StreamsBuilder } from 'rivulet';
import { expect, it } from 'vitest';
import { kafkaCluster } from '../scenarios/test-cluster.js';
import { describeKafka, kafkaBootstrap, uniqueName } from './broker-context.js';
import { kill, restoredCounts, startChild, waitFor } from './child-instance.js';

const S = Serdes.String();
const L = Serdes.Long();

describeKafka('state on a real broker', () => {
  it('restore: a restart replays only the tail; after deleting the state directory the store is rebuilt from the changelog', async () => {
    const cluster = kafkaCluster(kafkaBootstrap);
    const name = uniqueName('restore');
    const input = `${name}-words`;
    await cluster.createTopic(input, 2);
    const stateDir = mkdtempSync(join(tmpdir(), 'rivulet-kafka-restore-'));
    const model = new Map<string, number>();
    const produce = async (n: number) => {
      const batch = Array.from({ length: n }, (_, i) => ({ key: `w${i % 100}`, value: 'x' }));
      for (const r of batch) model.set(r.key, (model.get(r.key) ?? 0) + 1);
      await cluster.produce(
        input,
        batch.map((r) => ({ key: Buffer.from(r.key), value: Buffer.from(r.value) })),
      );
    };
    const run = async () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>(input, Consumed.with(S, S))
        .groupByKey()
        .count(Materialized.as<string, number>('counts').withCachingDisabled());
      const streams = new KafkaStreams(builder.build(), {
        applicationId: name,
        bootstrapServers: kafkaBootstrap,
        stateDir,
        commitIntervalMs: 100,
      });
      await streams.start();
      await streams.waitForState('RUNNING', 60_000);
      const restored = Number(
        / (\d+)$/m.exec(
          await streams.metrics().getSingleMetricAsString('rivulet_restored_records_total'),
        )?.[1],
      );
      await waitFor(
        'the counts',
        () => [...model].every(([k, n]) => streams.store<string, number>('counts').get(k) === n),
        60_000,
      );
      await streams.close();
      return { streams, restored };
    };
    try {
      await produce(3000);
      expect((await run()).restored).toBe(0);
      await produce(300);
      const second = await run();
      expect(second.restored, 'the checkpoint sits at the changelog end: no replay').toBe(0);
      await second.streams.cleanUp();
      await produce(30);
      const third = await run();
      expect(third.restored, 'without local state the whole changelog is replayed').toBe(3300);
    } finally {
      await cluster.close();
    }
  });

  it('standby: kill -9 the active instance; the standby takes over and restores under 10% of the changelog', async () => {
    const cluster = kafkaCluster(kafkaBootstrap);
    const name = uniqueName('standby');
    const [input, echo, counts] = [`${name}-input`, `${name}-echo`, `${name}-counts`];
    for (const t of [input, echo, counts]) await cluster.createTopic(t, 4);
    const args = [kafkaBootstrap, name, 'at_least_once', input, echo, counts, '1'];
    const [a, b] = [startChild(args, 'a'), startChild(args, 'b')];
    const model = new Map<string, number>();
    const produce = async (n: number) => {
      const batch = [];
      for (let i = 0; i < n; i++) {
        const key = `k${i % 40}`;
        model.set(key, (model.get(key) ?? 0) + 1);
        batch.push({ key: S.serialize(input, key)!, value: L.serialize(input, model.get(key)!)! });
      }
      await cluster.produce(input, batch);
    };
    const latestCounts = async () => {
      const latest = new Map<string, number>();
      for (const r of await cluster.readAll(counts))
        latest.set(S.deserialize(counts, r.key)!, L.deserialize(counts, r.value)!);
      return latest;
    };
    const countsMatch = async () => {
      const latest = await latestCounts();
      return [...model].every(([k, n]) => latest.get(k) === n);
    };
    try {
      await waitFor(
        'both instances RUNNING',
        () => restoredCounts(a).length > 0 && restoredCounts(b).length > 0,
        60_000,
      );
      await produce(8000);
      await waitFor('all counted', countsMatch, 60_000);
      await new Promise((r) => setTimeout(r, 3000)); // standby passes catch up with the changelogs
      const changelog = (await cluster.readAll(`${name}-counts-changelog`)).length;
      const before = restoredCounts(b).at(-1)!;
      const runningBefore = (b.output.match(/STATE RUNNING/g) ?? []).length;

      await kill(a);
      // b takes a's tasks once a's session times out (static membership), then reports RUNNING and RESTORED again.
      await waitFor(
        'b to take over',
        () => (b.output.match(/STATE RUNNING/g) ?? []).length > runningBefore && restoredCounts(b).length > 1,
        90_000,
      );
      const replayed = restoredCounts(b).at(-1)! - before;
      console.log(`standby take-over replayed ${replayed} of ${changelog} changelog records`);
      expect(b.output).not.toContain('STATE ERROR');
      expect(replayed).toBeLessThan(changelog * 0.1);
      await produce(400);
      await waitFor('the counts after take-over', countsMatch, 60_000).catch((err) => {
        throw new Error(`${(err as Error).message}; b printed:\n${b.output.slice(-3000)}`);
      });
    } finally {
      await Promise.all([kill(a), kill(b)]);
      await cluster.close();
    }
  });
});
