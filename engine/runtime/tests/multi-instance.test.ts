import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Consumed,
  EmbeddedLog,
  Grouped,
  KafkaStreams,
  Materialized,
  type ProcessingGuarantee,
  Produced,
  Serdes,
  StreamsBuilder,
  type Topology,
  TopologyTestDriver,
} from '../../index.js';
import { waitUntil } from './wait-until.js';

const S = Serdes.String();
const L = Serdes.Long();
const running: KafkaStreams[] = [];
let clusterSeq = 0;

afterEach(async () => {
  await Promise.all(running.splice(0).map((i) => i.close()));
});

/** Re-keys by value modulo a number, counts, and echoes every input record. */
function countAndEcho(modulus: number): Topology {
  const builder = new StreamsBuilder();
  const input = builder.stream<string, number>('in', Consumed.with(S, L));
  input.to('echo', Produced.with(S, L));
  input
    .groupBy((_k, v) => `k${v % modulus}`, Grouped.with(S, L))
    .count(Materialized.as('counts'))
    .toStream()
    .to('counts-out', Produced.with(S, L));
  return builder.build();
}

async function startInstance(
  cluster: string,
  topology: Topology,
  guarantee: ProcessingGuarantee,
  id: string,
): Promise<KafkaStreams> {
  const streams = new KafkaStreams(topology, {
    applicationId: 'multi',
    bootstrapServers: `memory://${cluster}`,
    processingGuarantee: guarantee,
    commitIntervalMs: 20,
    pollMs: 10,
    // Every count update must reach the output (the exactly-once check reads them all), as in Kafka's EOS tests.
    cacheMaxBytes: 0,
    instanceId: id,
  });
  running.push(streams);
  await streams.start();
  return streams;
}

function latestPerKey(log: EmbeddedLog, topic: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of log.read(topic, S, L)) out.set(r.key!, r.value!);
  return out;
}

describe('several instances on one embedded log', () => {
  it('1, 2 and 3 instances give the same final table as the TopologyTestDriver', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key: fc.string({ maxLength: 4 }), value: fc.nat(100) }), {
          minLength: 1,
          maxLength: 120,
        }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 3 }),
        async (records, modulus, instanceCount) => {
          const driver = new TopologyTestDriver(countAndEcho(modulus), {}, 0);
          driver.createInputTopic('in', S, L).pipeKeyValueList(records);
          const expected = driver.createOutputTopic('counts-out', S, L).readKeyValuesToMap();

          const cluster = `multi-prop-${clusterSeq++}`;
          const log = EmbeddedLog.named(cluster)
            .createTopic('in', 4)
            .createTopic('echo', 4)
            .createTopic('counts-out', 4);
          log.produce('in', records, S, L);
          const instances = [];
          for (let i = 0; i < instanceCount; i++)
            instances.push(await startInstance(cluster, countAndEcho(modulus), 'at_least_once', `i${i}`));
          try {
            await waitUntil(
              () => sameMap(latestPerKey(log, 'counts-out'), expected),
              10_000,
              'the final table',
            );
          } finally {
            await Promise.all(instances.map((i) => i.close()));
            EmbeddedLog.reset(cluster);
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    it(`${guarantee}: 2 instances, a third joins mid-stream, one leaves; ${guarantee === 'at_least_once' ? 'nothing is lost' : 'no duplicate, no gap'}`, async () => {
      const cluster = `rebalance-${guarantee}-${clusterSeq++}`;
      const log = EmbeddedLog.named(cluster)
        .createTopic('in', 6)
        .createTopic('echo', 6)
        .createTopic('counts-out', 6);
      const modulus = 5;
      const total = 3000;
      const sent: number[] = [];
      const produce = async (from: number, to: number) => {
        for (let i = from; i < to; i += 50) {
          const batch = [];
          for (let j = i; j < Math.min(to, i + 50); j++) {
            batch.push({ key: `src${j % 17}`, value: j });
            sent.push(j);
          }
          log.produce('in', batch, S, L);
          await new Promise((r) => setTimeout(r, 2));
        }
      };

      const a = await startInstance(cluster, countAndEcho(modulus), guarantee, 'a');
      const b = await startInstance(cluster, countAndEcho(modulus), guarantee, 'b');
      await produce(0, 1000);
      const c = await startInstance(cluster, countAndEcho(modulus), guarantee, 'c');
      await waitUntil(() => ownsEveryTaskOnce([a, b, c]), 10_000, 'a, b and c to share the 12 tasks');
      await produce(1000, 2000);
      await a.close();
      await waitUntil(() => ownsEveryTaskOnce([b, c]), 10_000, 'b and c to share the 12 tasks');
      await produce(2000, total);

      const expected = new Map<string, number>();
      for (const v of sent) expected.set(`k${v % modulus}`, (expected.get(`k${v % modulus}`) ?? 0) + 1);
      await waitUntil(
        () => {
          const echoed = new Set(log.read('echo', S, L).map((r) => r.value));
          return echoed.size === total && sameMap(latestPerKey(log, 'counts-out'), expected);
        },
        20_000,
        'all records echoed and counted',
      );

      const echo = log.read('echo', S, L).map((r) => r.value!);
      const duplicates = echo.length - new Set(echo).size;
      // Every record sent arrives; a clean hand-over commits first, so even at_least_once should not repeat here.
      expect(new Set(echo)).toEqual(new Set(sent));
      console.log(`${guarantee}: ${total} records, ${duplicates} duplicate(s) in the echo output`);
      if (guarantee === 'exactly_once_v2') {
        expect(duplicates).toBe(0);
        // Each key's count updates form 1, 2, 3, ... with no repeat and no gap.
        const perKey = new Map<string, number[]>();
        for (const r of log.read('counts-out', S, L))
          perKey.set(r.key!, [...(perKey.get(r.key!) ?? []), r.value!]);
        for (const [key, counts] of perKey) {
          expect(counts, `count updates of ${key}`).toEqual(
            Array.from({ length: expected.get(key)! }, (_, i) => i + 1),
          );
        }
      }
      expect(b.state()).toBe('RUNNING');
    });
  }
});

/** Every task (2 sub-topologies x 6 partitions) is active on exactly one of the instances, and each has some. */
function ownsEveryTaskOnce(instances: KafkaStreams[]): boolean {
  const owned = instances.map((i) => (i.state() === 'RUNNING' ? i.activeTaskIds() : []));
  const all = owned.flat();
  return owned.every((ids) => ids.length > 0) && all.length === 12 && new Set(all).size === 12;
}

function sameMap(a: Map<string, number>, b: Map<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
