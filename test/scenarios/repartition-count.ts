import {
  Consumed,
  Grouped,
  KafkaStreams,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  type Topology,
} from 'rivulet';
import type { TestCluster } from './test-cluster.js';

const S = Serdes.String();
const L = Serdes.Long();

/** groupBy to a new key → count → output topic: the engine's basic repartitioning job. */
export function repartitionCountTopology({ modulus, input, output }: ScenarioOptions): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>(input, Consumed.with(S, S))
    .groupBy((_key, value) => `k${Number(value) % modulus}`, Grouped.with(S, S))
    .count(Materialized.as('counts'))
    .toStream()
    .to(output, Produced.with(S, L));
  return builder.build();
}

export interface ScenarioOptions {
  readonly records: number;
  readonly modulus: number;
  readonly applicationId: string;
  readonly input: string;
  readonly output: string;
  readonly guarantee?: 'at_least_once' | 'exactly_once_v2';
}

/** The model: how many input values fall on each new key. */
export function expectedCounts({ records, modulus }: ScenarioOptions): Map<string, number> {
  const model = new Map<string, number>();
  for (let i = 0; i < records; i++) model.set(`k${i % modulus}`, (model.get(`k${i % modulus}`) ?? 0) + 1);
  return model;
}

/** Produces the input values `from` .. `from + count - 1` (default: all of them). */
export async function produceInput(
  cluster: TestCluster,
  { records, input }: ScenarioOptions,
  from = 0,
  count = records,
): Promise<void> {
  const batch = [];
  for (let i = from; i < from + count; i++)
    batch.push({ key: Buffer.from(`src-${i % 1000}`), value: Buffer.from(String(i)) });
  await cluster.produce(input, batch);
}

/** The final table: the last count per key in the output topic. */
export async function readCounts(
  cluster: TestCluster,
  { output }: ScenarioOptions,
): Promise<Map<string, number>> {
  const table = new Map<string, number>();
  for (const r of await cluster.readAll(output))
    table.set(S.deserialize(output, r.key)!, L.deserialize(output, r.value)!);
  return table;
}

export function startInstance(
  cluster: TestCluster,
  options: ScenarioOptions,
  instanceId: string,
): KafkaStreams {
  return new KafkaStreams(repartitionCountTopology(options), {
    applicationId: options.applicationId,
    bootstrapServers: cluster.bootstrapServers,
    processingGuarantee: options.guarantee ?? 'at_least_once',
    commitIntervalMs: 200,
    instanceId,
  });
}

/** Polls the output until it equals the model, or fails with the last difference. */
export async function awaitCounts(
  cluster: TestCluster,
  options: ScenarioOptions,
  timeoutMs: number,
): Promise<Map<string, number>> {
  const expected = expectedCounts(options);
  const deadline = Date.now() + timeoutMs;
  let last = new Map<string, number>();
  while (Date.now() < deadline) {
    last = await readCounts(cluster, options);
    if (last.size === expected.size && [...expected].every(([k, n]) => last.get(k) === n)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  const diff = [...expected]
    .filter(([k, n]) => last.get(k) !== n)
    .slice(0, 5)
    .map(([k, n]) => `${k}: expected ${n}, got ${last.get(k)}`);
  throw new Error(`the output table did not reach the model within ${timeoutMs} ms: ${diff.join('; ')}`);
}

/** One instance counts `records` inputs; the output table must equal the model. */
export async function repartitionCountScenario(
  cluster: TestCluster,
  options: ScenarioOptions,
): Promise<Map<string, number>> {
  await cluster.createTopic(options.input, 4);
  await cluster.createTopic(options.output, 4);
  await produceInput(cluster, options);
  const streams = startInstance(cluster, options, `${options.applicationId}-1`);
  try {
    await streams.start();
    return await awaitCounts(cluster, options, 120_000);
  } finally {
    await streams.close();
  }
}
