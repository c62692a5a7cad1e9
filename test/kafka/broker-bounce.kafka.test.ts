import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Serdes } from 'rivulet';
import { expect, it } from 'vitest';
import { random as seededRandom } from '../../bench/workloads/data.js';
import { kafkaCluster } from '../scenarios/test-cluster.js';
import { describeKafka, uniqueName } from './broker-context.js';
import { type ChildInstance, kill, startChild, waitFor } from './child-instance.js';
import { type OwnedCluster, startLocalCluster } from './local-cluster.js';
import { waitUntilFullyReplicated } from './replication.js';

// Kafka Streams' StreamsBrokerBounceTest, on a 3-node cluster of its own: brokers are SIGKILLed and
// restarted in turn under exactly_once_v2 while two instances re-key and aggregate. Every sum must
// equal the model and the instances must carry on by themselves. A rolling bounce: the next broker
// goes down only when the restarted one is back in every in-sync replica set (min ISR 2 holds
// throughout). BOUNCE_SEEDS=1,2,3,4,5 runs more.
const S = Serdes.String();
const L = Serdes.Long();
const RECORDS = Number(process.env.BOUNCE_RECORDS ?? 30_000);
const SEEDS = (process.env.BOUNCE_SEEDS ?? '1').split(',').map(Number);
const BATCH = 250;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeKafka('broker bounce (3 brokers, RF 3, min ISR 2) under exactly_once_v2', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: two brokers SIGKILLed and restarted in turn while ${RECORDS} records are re-keyed and summed`, {
      timeout: 600_000,
    }, async () => {
      const random = seededRandom(seed);
      let brokers: OwnedCluster | undefined;
      const instances: ChildInstance[] = [];
      try {
        brokers = await startLocalCluster(3);
        const cluster = kafkaCluster(brokers.bootstrap, {
          replicationFactor: 3,
          topicConfig: { 'min.insync.replicas': '2' },
        });
        const name = uniqueName(`bounce-${seed}`);
        const [input, sums] = [`${name}-input`, `${name}-sums`];
        await cluster.createTopic(input, 4);
        await cluster.createTopic(sums, 4);
        const args = [brokers.bootstrap, name, input, sums];
        for (const id of ['a', 'b']) {
          const [bootstrap, appId, ...rest] = args;
          instances.push(startChild([bootstrap!, appId!, ...rest], id, 'bounce-app.ts'));
        }
        await waitFor(
          'both instances RUNNING',
          () => instances.every((i) => i.output.includes('STATE RUNNING')),
          90_000,
        );

        // The model: each group's sum, and the values that went into it.
        const values = new Map<string, number[]>();
        const producing = (async () => {
          for (let i = 0; i < RECORDS; i += BATCH) {
            const batch = [];
            for (let j = i; j < Math.min(RECORDS, i + BATCH); j++) {
              const value = 1 + Math.floor(random() * 1000);
              const group = `g${value % 17}`;
              values.set(group, [...(values.get(group) ?? []), value]);
              batch.push({ key: S.serialize(input, `k${j % 100}`)!, value: L.serialize(input, value)! });
            }
            await cluster.produce(input, batch);
            await sleep(100);
          }
        })();
        // Two bounces of different brokers, each down for 4 to 10 s, while the records flow.
        const first = 1 + Math.floor(random() * 3);
        const second = 1 + ((first + Math.floor(random() * 2)) % 3);
        for (const node of [first, second]) {
          await sleep(2_000 + random() * 3_000);
          await brokers.killNode(node);
          console.log(`seed ${seed}: broker ${node} killed`);
          await sleep(4_000 + random() * 6_000);
          await brokers.startNode(node);
          await waitUntilFullyReplicated(brokers.bootstrap, 120_000);
          console.log(`seed ${seed}: broker ${node} restarted and back in sync`);
        }
        await producing;

        const expected = new Map([...values].map(([g, vs]) => [g, vs.reduce((a, b) => a + b, 0)]));
        let updates = new Map<string, number[]>();
        await waitFor(
          'every group to reach its sum',
          async () => {
            updates = new Map();
            for (const r of await cluster.readAll(sums)) {
              const group = S.deserialize(sums, r.key)!;
              updates.set(group, [...(updates.get(group) ?? []), L.deserialize(sums, r.value)!]);
            }
            const failed = instances.find((i) => i.output.includes('STATE ERROR'));
            if (failed) throw new Error(`instance ${failed.id} failed`);
            return [...expected].every(([g, sum]) => updates.get(g)?.at(-1) === sum);
          },
          180_000,
        ).catch((err) => {
          // The instances' whole logs, for the post-mortem, and their last lines where CI shows them.
          const logs = instances.map((i) => {
            const file = join(tmpdir(), `rivulet-bounce-${seed}-${i.id}.log`);
            writeFileSync(file, i.output);
            console.error(`instance ${i.id}, last lines:\n${i.output.split('\n').slice(-40).join('\n')}`);
            return file;
          });
          throw new Error(
            `${(err as Error).message}; last sums ${JSON.stringify(Object.fromEntries([...updates].map(([g, u]) => [g, u.at(-1)])))}, expected ${JSON.stringify(Object.fromEntries(expected))}; instance logs: ${logs.join(', ')}`,
          );
        });
        for (const i of instances) expect(i.output, `instance ${i.id} failed`).not.toContain('STATE ERROR');
        // The harness's own producer is idempotent: the input holds each record exactly once.
        expect((await cluster.readAll(input)).length, 'input records').toBe(RECORDS);
        // Each group's updates add exactly its input values, once each: no reset, no duplicate, no gap.
        for (const [group, vs] of values) {
          const seq = updates.get(group)!;
          const steps = seq.map((sum, i) => sum - (i === 0 ? 0 : seq[i - 1]!));
          expect(
            steps.sort((a, b) => a - b),
            `the steps of ${group}'s sum are its input values`,
          ).toEqual([...vs].sort((a, b) => a - b));
        }
        await cluster.close();
      } finally {
        await Promise.all(instances.map(kill));
        await brokers?.stop();
      }
    });
  }
});
