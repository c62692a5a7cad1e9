// The engine's own per-record cost without a broker: each workload's rivulet topology (the same as
// the broker benchmark's) on memory:// (one instance, at_least_once, commit every second) and through
// the TopologyTestDriver. Every run's output goes through the same correctness check.
//   npm run bench:in-process -- [--records N] [--workload NAME[,NAME…]] [--quick]
// (--quick: 2,000 records and no results file, so a test can check that the runner still works)
// Prints records/s and records per CPU-second, and writes bench/results/<date>-in-process.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EmbeddedLog, KafkaStreams, Serdes, TopologyTestDriver } from 'rivulet';
import { outputCheck } from '../workloads/checks.js';
import { DEFAULT_SEED, type InputRecord, inputRecords, tableRecords } from '../workloads/data.js';
import { rivuletTopology, type WorkloadTopics } from '../workloads/topologies.js';
import { parseWorkloads, WORKLOADS, type WorkloadName } from '../workloads/workloads.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    workload: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});
const records = values.quick ? 2_000 : Number(values.records);
if (!(Number.isSafeInteger(records) && records > 0)) {
  console.error(`--records must be a positive whole number, got '${values.records}'`);
  process.exit(2);
}
let selected: WorkloadName[];
try {
  selected = parseWorkloads(values.workload);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

interface Result {
  workload: WorkloadName;
  mode: 'memory://' | 'TopologyTestDriver';
  records: number;
  seconds: number;
  recordsPerSec: number;
  recordsPerCpuSec: number;
}

const B = Serdes.Bytes();
const TOPICS: WorkloadTopics = { input: 'input', output: 'output', table: 'table' };
const cpuSeconds = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};
const inputOf = (workload: WorkloadName): InputRecord[] => [
  ...inputRecords(DEFAULT_SEED, 'uniform', WORKLOADS[workload].valueKind, records),
];
const check = (workload: WorkloadName) =>
  outputCheck({ workload, seed: DEFAULT_SEED, distribution: 'uniform', records });

function result(workload: WorkloadName, mode: Result['mode'], seconds: number, cpu: number): Result {
  return {
    workload,
    mode,
    records,
    seconds,
    recordsPerSec: Math.round(records / seconds),
    recordsPerCpuSec: Math.round(records / cpu),
  };
}

async function onEmbeddedLog(workload: WorkloadName): Promise<Result> {
  const cluster = `bench-${workload}-${Date.now()}`;
  const log = EmbeddedLog.named(cluster).createTopic('input', 4).createTopic('output', 4);
  const toEmbedded = (r: InputRecord) => ({ key: r.key, value: r.value, timestampMs: r.timestampMs });
  let sourceRecords = records;
  if (WORKLOADS[workload].joinsTable) {
    log.createTopic('table', 4).produce('table', [...tableRecords(DEFAULT_SEED)].map(toEmbedded), B, B);
    sourceRecords += 10_000;
  }
  if (workload === 'repartition-count') sourceRecords += records; // each record is read twice
  log.produce('input', inputOf(workload).map(toEmbedded), B, B);
  const stateDir = mkdtempSync(join(tmpdir(), 'rivulet-bench-'));
  const streams = new KafkaStreams(rivuletTopology(workload, TOPICS), {
    applicationId: `bench-${workload}`,
    bootstrapServers: `memory://${cluster}`,
    commitIntervalMs: 1000,
    stateDir,
  });
  const started = performance.now();
  const cpu = process.cpuUsage();
  await streams.start();
  // Done when every input record went through a source (the processed counter counts each one).
  const processedOf = async () =>
    Number(
      / (\d+)$/m.exec(
        await streams.metrics().getSingleMetricAsString('rivulet_processed_records_total'),
      )?.[1] ?? 0,
    );
  while ((await processedOf()) < sourceRecords) await new Promise((r) => setTimeout(r, 5));
  // fk-join: its subscriptions and answers are records of internal topics too, as many as the
  // caches let through; it is done when its output table is complete.
  const outputProblem = () => {
    const verdict = check(workload);
    for (const r of log.read('output', B, B)) verdict.accept(r.key, r.value);
    return verdict.problem();
  };
  if (workload === 'fk-join') {
    const deadline = performance.now() + 120_000;
    while (outputProblem() !== null && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = cpuSeconds(cpu);
  await streams.close(); // flushes the caches: the output is complete
  const problem = outputProblem();
  EmbeddedLog.reset(cluster);
  rmSync(stateDir, { recursive: true, force: true });
  if (problem) throw new Error(`${workload} on memory:// produced a wrong output: ${problem}`);
  return result(workload, 'memory://', seconds, cpuUsed);
}

function throughDriver(workload: WorkloadName): Result {
  const driver = new TopologyTestDriver(rivuletTopology(workload, TOPICS), {}, 0);
  const input = driver.createInputTopic('input', B, B);
  const output = driver.createOutputTopic('output', B, B);
  if (WORKLOADS[workload].joinsTable) {
    const table = driver.createInputTopic('table', B, B);
    for (const r of tableRecords(DEFAULT_SEED)) table.pipeInput(r.key, r.value, r.timestampMs);
  }
  const verdict = check(workload);
  const drain = () => {
    for (const r of output.readRecordsToList()) verdict.accept(r.key, r.value);
  };
  const data = inputOf(workload);
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < data.length; i++) {
    const r = data[i]!;
    input.pipeInput(r.key, r.value, r.timestampMs);
    if ((i & 1023) === 0) drain(); // keep the captured output small
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = cpuSeconds(cpu);
  drain();
  driver.close();
  const problem = verdict.problem();
  if (problem)
    throw new Error(`${workload} through the TopologyTestDriver produced a wrong output: ${problem}`);
  return result(workload, 'TopologyTestDriver', seconds, cpuUsed);
}

const results: Result[] = [];
for (const workload of selected) {
  process.stderr.write(`${workload}: ${records} records on memory:// ...\n`);
  results.push(await onEmbeddedLog(workload));
  process.stderr.write(`${workload}: ${records} records through the TopologyTestDriver ...\n`);
  results.push(throughDriver(workload));
}

console.log(`\n${records.toLocaleString('en-US')} records per run, one process (${process.version})\n`);
console.log('| workload | mode | records/s | records per CPU-second |');
console.log('|---|---|---|---|');
for (const r of results)
  console.log(
    `| ${r.workload} | ${r.mode} | ${r.recordsPerSec.toLocaleString('en-US')} | ${r.recordsPerCpuSec.toLocaleString('en-US')} |`,
  );
if (values.quick) process.exit(0);
const dir = resolve(import.meta.dirname, '../results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${new Date().toISOString().slice(0, 10)}-in-process.json`);
writeFileSync(file, `${JSON.stringify({ records, node: process.version, results }, null, 2)}\n`);
console.log(`\nwrote ${file}`);
