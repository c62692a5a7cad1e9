import { Serdes } from 'rivulet';
import { expect, it } from 'vitest';
import { kafkaCluster } from '../scenarios/test-cluster.js';
import { describeKafka, kafkaBootstrap, uniqueName } from './broker-context.js';
import { type ChildInstance, kill, restoredCounts, startChild, waitFor } from './child-instance.js';

const S = Serdes.String();
const L = Serdes.Long();
const KEYS = 40;
const RECORDS = 18_000;
const BATCH = 100;
const BATCH_INTERVAL_MS = 80;
const KILLS = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeKafka('guarantees under kill -9 (StreamsEosTest style)', () => {
  for (const guarantee of ['exactly_once_v2', 'at_least_once'] as const) {
    it(`${guarantee}: ${KILLS} kill -9 and restarts of one of 2 instances mid-stream`, async () => {
      const cluster = kafkaCluster(kafkaBootstrap);
      const name = uniqueName(guarantee === 'exactly_once_v2' ? 'eos' : 'alos');
      const [input, echo, counts] = [`${name}-input`, `${name}-echo`, `${name}-counts`];
      for (const t of [input, echo, counts]) await cluster.createTopic(t, 4);
      const args = [kafkaBootstrap, name, guarantee, input, echo, counts];
      const instances = [startChild(args, 'a'), startChild(args, 'b')];
      try {
        await waitFor(
          'both instances RUNNING',
          () => instances.every((i) => i.output.includes('STATE RUNNING')),
          60_000,
        );

        // Produce steadily (about 15 s) while a random instance is killed with SIGKILL and restarted,
        // so the kills land in the middle of open transactions and uncommitted work.
        const perKey = new Map<string, number>();
        const restarted: ChildInstance[] = [];
        const producing = (async () => {
          for (let i = 0; i < RECORDS; i += BATCH) {
            const batch = [];
            for (let j = i; j < i + BATCH; j++) {
              const key = `k${j % KEYS}`;
              const n = (perKey.get(key) ?? 0) + 1;
              perKey.set(key, n);
              batch.push({ key: S.serialize(input, key)!, value: L.serialize(input, n)! });
            }
            await cluster.produce(input, batch);
            await sleep(BATCH_INTERVAL_MS);
          }
        })();
        for (let kill = 0; kill < KILLS; kill++) {
          await sleep(500 + Math.random() * 1500);
          const victim = Math.floor(Math.random() * instances.length);
          const old = instances[victim]!;
          old.child.kill('SIGKILL');
          await new Promise((r) => old.child.once('exit', r));
          instances[victim] = startChild(args, old.id);
          await waitFor(
            `instance ${old.id} RUNNING again`,
            () => instances[victim]!.output.includes('STATE RUNNING'),
            60_000,
          );
        }
        await producing;

        // Wait until every input record is echoed, then check the outputs against the model.
        let echoed: Awaited<ReturnType<typeof cluster.readAll>> = [];
        const deadline = Date.now() + 120_000;
        while (Date.now() < deadline) {
          echoed = await cluster.readAll(echo);
          const distinct = new Set(echoed.map((r) => `${r.key}:${r.value?.toString('hex')}`));
          if (distinct.size >= RECORDS) break;
          await sleep(500);
        }
        const pairs = echoed.map((r) => `${S.deserialize(echo, r.key)}:${L.deserialize(echo, r.value)}`);
        const distinct = new Set(pairs);
        const duplicates = pairs.length - distinct.size;
        console.log(
          `${guarantee}: ${RECORDS} inputs, ${pairs.length} echoed, ${duplicates} duplicate(s), ${KILLS} kill -9`,
        );
        for (const i of instances) expect(i.output, `instance ${i.id} failed`).not.toContain('STATE ERROR');
        expect(distinct.size, 'every input record is echoed (nothing lost)').toBe(RECORDS);

        const countUpdates = new Map<string, number[]>();
        for (const r of await cluster.readAll(counts)) {
          const key = S.deserialize(counts, r.key)!;
          countUpdates.set(key, [...(countUpdates.get(key) ?? []), L.deserialize(counts, r.value)!]);
        }
        if (guarantee === 'exactly_once_v2') {
          // No checkpoint survives a crash under EOS: each restarted instance wiped its stores and restored them.
          for (const i of restarted)
            expect(restoredCounts(i)[0], `records restored by restarted ${i.id}`).toBeGreaterThan(0);
          expect(duplicates, 'no input is echoed twice').toBe(0);
          // Echo keeps per-key input order (a key lives in one partition).
          for (const [key, n] of perKey) {
            const seq = pairs.filter((p) => p.startsWith(`${key}:`)).map((p) => Number(p.split(':')[1]));
            expect(seq, `echo order of ${key}`).toEqual(Array.from({ length: n }, (_, i) => i + 1));
            // Every running count is the model's prefix value: 1, 2, ..., n with no repeat and no gap.
            expect(countUpdates.get(key), `count updates of ${key}`).toEqual(
              Array.from({ length: n }, (_, i) => i + 1),
            );
          }
        } else {
          for (const [key, n] of perKey) {
            const last = countUpdates.get(key)?.at(-1) ?? 0;
            expect(last, `final count of ${key} counts every input at least once`).toBeGreaterThanOrEqual(n);
          }
        }
      } finally {
        await Promise.all(instances.map(kill));
        await cluster.close();
      }
    });
  }
});
