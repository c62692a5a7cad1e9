import {
  type InputRecord,
  inputRecords,
  type KeyDistribution,
  tableRecords,
  type ValueKind,
} from '../workloads/data.js';
import type { BenchAdmin } from './bench-admin.js';
import { callback, harnessProducer, send } from './native.js';

export const PARTITIONS = 4;
/**
 * The data's event times lie years back: time retention would delete it within minutes (the
 * broker checks every 5), so every benchmark topic keeps its records forever.
 */
export const KEEP_FOREVER = { 'retention.ms': '-1' } as const;

export interface InputSpec {
  readonly valueKind: ValueKind;
  readonly distribution: KeyDistribution;
  readonly records: number;
  readonly seed: number;
}

/** The input topic of a data set; workloads reading the same kind of values share it. */
export const inputTopicName = (s: InputSpec) =>
  `bench-input-${s.valueKind}-${s.distribution}-${s.records}-s${s.seed}`;
export const tableTopicName = (seed: number) => `bench-table-s${seed}`;

/**
 * Creates and fills a topic unless it already holds exactly the expected number of records (then
 * it was preloaded by an earlier invocation with the same name, and so the same data).
 */
async function preload(
  admin: BenchAdmin,
  bootstrap: string,
  topic: string,
  count: number,
  records: () => Iterable<InputRecord>,
): Promise<void> {
  const existing = await admin.partitionCounts([topic]);
  if (existing.get(topic) === PARTITIONS) {
    const offsets = await admin.offsets(topic, false);
    if (offsets.reduce((sum, p) => sum + p.end, 0) === count && offsets.every((p) => p.start === 0)) {
      process.stderr.write(`bench: reusing ${topic} (${count.toLocaleString('en-US')} records)\n`);
      return;
    }
    await admin.deleteTopics([topic]);
    await new Promise((r) => setTimeout(r, 1000));
  }
  await admin.createTopics([
    { name: topic, partitions: PARTITIONS, replicationFactor: -1, config: KEEP_FOREVER },
  ]);
  const producer = await harnessProducer(bootstrap);
  const started = performance.now();
  let sent = 0;
  for (const r of records()) {
    await send(producer, topic, r.key, r.value, r.timestampMs);
    if (++sent % 500_000 === 0)
      process.stderr.write(
        `bench: preloading ${topic}: ${sent.toLocaleString('en-US')} / ${count.toLocaleString('en-US')}\n`,
      );
  }
  await callback<unknown>('producer.flush', (cb) => producer.flush(120_000, cb));
  await callback<unknown>('producer.disconnect', (cb) => producer.disconnect(cb));
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`bench: preloaded ${topic} in ${seconds.toFixed(1)} s\n`);
}

export async function preloadInput(admin: BenchAdmin, bootstrap: string, spec: InputSpec): Promise<string> {
  const topic = inputTopicName(spec);
  await preload(admin, bootstrap, topic, spec.records, () =>
    inputRecords(spec.seed, spec.distribution, spec.valueKind, spec.records),
  );
  return topic;
}

export async function preloadTable(admin: BenchAdmin, bootstrap: string, seed: number): Promise<string> {
  const topic = tableTopicName(seed);
  await preload(admin, bootstrap, topic, 10_000, () => tableRecords(seed));
  return topic;
}
