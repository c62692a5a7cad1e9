import { randomBytes } from 'node:crypto';
import {
  Consumed,
  type ErrorHandling,
  KafkaStreams,
  type ProcessingGuarantee,
  Produced,
  Serdes,
  StreamsBuilder,
} from 'rivulet';
import { expect, it } from 'vitest';
import { KafkaAdmin } from '../../engine/transport/kafka/admin.js';
import { kafkaCluster } from '../scenarios/test-cluster.js';
import { describeKafka, kafkaBootstrap, uniqueName } from './broker-context.js';
import { waitFor } from './child-instance.js';

// Records the broker refuses: a 300 KB (incompressible) value for a topic with max.message.bytes 100000, and a
// timestamp ten years ahead for a topic that takes at most an hour. Under every handler and both
// guarantees: nothing lost, the good records of the same batch arrive, the dead-letter topic holds
// what it should, and `fail` names the input record.
const S = Serdes.String();
const RECORDS = 200;
const OVERSIZE = 57;
const FUTURE = 131;
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

async function setUp(guarantee: ProcessingGuarantee, handler: ErrorHandling) {
  const cluster = kafkaCluster(kafkaBootstrap);
  const name = uniqueName(`refused-${guarantee === 'exactly_once_v2' ? 'eos' : 'alos'}-${handler}`);
  const [input, output] = [`${name}-in`, `${name}-out`];
  const admin = new KafkaAdmin(kafkaBootstrap);
  try {
    await admin.createTopics([
      {
        name: input,
        partitions: 2,
        replicationFactor: 1,
        config: { 'message.timestamp.after.max.ms': String(2 * TEN_YEARS_MS) },
      },
      {
        name: output,
        partitions: 2,
        replicationFactor: 1,
        config: { 'max.message.bytes': '100000', 'message.timestamp.after.max.ms': '3600000' },
      },
    ]);
  } finally {
    await admin.close();
  }
  const now = Date.now();
  await cluster.produce(
    input,
    Array.from({ length: RECORDS }, (_, i) => ({
      key: Buffer.from(`k${i % 7}`),
      // Random, so the producer's compression cannot shrink it under the limit.
      value: Buffer.from(i === OVERSIZE ? `big-${i}-${randomBytes(225_000).toString('base64')}` : `v${i}`),
      timestampMs: i === FUTURE ? now + TEN_YEARS_MS : now,
    })),
  );
  const builder = new StreamsBuilder();
  builder.stream<string, string>(input, Consumed.with(S, S)).to(output, Produced.with(S, S));
  const streams = new KafkaStreams(builder.build(), {
    applicationId: name,
    bootstrapServers: kafkaBootstrap,
    processingGuarantee: guarantee,
    productionExceptionHandler: handler,
    commitIntervalMs: 200,
  });
  return { cluster, streams, name, input, output };
}

const isBad = (value: string | undefined) => value === `v${FUTURE}` || value?.startsWith('big-');
const good = Array.from({ length: RECORDS }, (_, i) => `v${i}`).filter(
  (v) => !isBad(v) && v !== `v${OVERSIZE}`,
);

describeKafka('records the broker refuses (oversize, far-future timestamp)', () => {
  for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    for (const handler of ['continue', 'dlq', 'fail'] as const) {
      it(`${guarantee}, ${handler}`, async () => {
        const { cluster, streams, name, input, output } = await setUp(guarantee, handler);
        try {
          await streams.start();
          if (handler === 'fail') {
            await streams.waitForState('ERROR', 90_000);
            expect(streams.error()?.message).toMatch(
              new RegExp(
                `production error for the record at ${input}-\\d offset \\d+: the output to ${output} was refused: .*(too large|timestamp)`,
                'i',
              ),
            );
            return;
          }
          const values = async () => new Set((await cluster.readAll(output)).map((r) => r.value?.toString()));
          await waitFor('every good record', async () => (await values()).size >= good.length, 90_000).catch(
            (err) => {
              throw new Error(
                `${(err as Error).message}: state ${streams.state()} ${streams.error()?.message ?? ''}`,
              );
            },
          );
          const extra = [...(await values())].filter((v) => !good.includes(v!));
          expect(
            extra.map((v) => v?.slice(0, 20)),
            'outputs that should not be there',
          ).toEqual([]);
          expect([...(await values())].sort()).toEqual([...good].sort());
          if (guarantee === 'exactly_once_v2')
            expect((await cluster.readAll(output)).length).toBe(good.length);
          if (handler === 'dlq') {
            await waitFor(
              'the dead-letter records',
              async () => (await cluster.readAll(`${name}-dlq`)).length >= 2,
              60_000,
            );
            const dead = await cluster.readAll(`${name}-dlq`);
            const big = dead.filter((r) => r.value?.toString().startsWith(`big-${OVERSIZE}-`));
            const future = dead.filter((r) => r.value === null);
            // Exactly once each under EOS; at least once (a redone range may repeat one) under ALOS.
            const expectCount = (records: unknown[]) =>
              guarantee === 'exactly_once_v2'
                ? expect(records).toHaveLength(1)
                : expect(records.length).toBeGreaterThanOrEqual(1);
            expectCount(big);
            expectCount(future);
            expect(big.length + future.length).toBe(dead.length);
            // The far-future record is refused by the dead-letter topic too (its default allows an
            // hour ahead): what lands there is a reference to the input, stamped now.
            expect(future[0]!.headers['__rivulet.errors.value.omitted']).toMatch(
              new RegExp(`the value is at ${input}-\\d offset \\d+`),
            );
            expect(Number(future[0]!.headers['__rivulet.errors.timestamp'])).toBeGreaterThan(
              Date.now() + TEN_YEARS_MS / 2,
            );
            for (const r of dead) {
              expect(r.headers['__streams.errors.topic']).toBe(input);
              expect(r.headers['__streams.errors.message']).toMatch(
                new RegExp(`the output to ${output} was refused`),
              );
            }
          } else {
            const dropped = (
              await streams.metrics().getSingleMetric('rivulet_dropped_records_total')!.get()
            ).values
              .filter((v) => v.labels.reason === 'production-error')
              .reduce((n, v) => n + v.value, 0);
            expect(dropped).toBeGreaterThanOrEqual(2);
          }
          expect(streams.state()).toBe('RUNNING');
        } finally {
          await streams.close();
          await cluster.close();
        }
      });
    }
  }
});
