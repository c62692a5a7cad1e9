// The engine's own per-record cost without a broker: each workload on memory:// (one instance,
// at_least_once, commit every second) and through the TopologyTestDriver.
//   npm run bench:in-process -- [--records N] [--workload NAME] [--quick]
// (--quick: 2,000 records and no results file, so a test can check that the runner still works)
// Prints records/s and records per CPU-second, and writes bench/results/<date>-in-process.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EmbeddedLog, KafkaStreams, Serdes, TopologyTestDriver } from 'rivulet';
import { WORKLOADS, type Workload } from './workloads.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    workload: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});
const records = values.quick ? 2_000 : Number(values.records);
if (!(records > 0)) {
  console.error(`--records must be a positive number, got '${values.records}'`);
  process.exit(2);
}
const selected = values.workload ? WORKLOADS.filter((w) => w.name === values.workload) : WORKLOADS;
if (selected.length === 0) {
  console.error(`unknown workload '${values.workload}': one of ${WORKLOADS.map((w) => w.name).join(', ')}`);
  process.exit(2);
}

interface Result {
  workload: string;
  mode: 'memory://' | 'TopologyTestDriver';
  records: number;
  seconds: number;
  recordsPerSec: number;
  recordsPerCpuSec: number;
}

const B = Serdes.Bytes();
const cpuSeconds = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

async function onEmbeddedLog(workload: Workload): Promise<Result> {
  const cluster = `bench-${workload.name}-${Date.now()}`;
  const log = EmbeddedLog.named(cluster).createTopic('input', 4).createTopic('output', 4);
  const batch = [];
  for (let i = 0; i < records; i++) batch.push(workload.record(i));
  log.produce('input', batch, B, B);
  const stateDir = mkdtempSync(join(tmpdir(), 'rivulet-bench-'));
  const streams = new KafkaStreams(workload.topology('input', 'output'), {
    applicationId: `bench-${workload.name}`,
    bootstrapServers: `memory://${cluster}`,
    commitIntervalMs: 1000,
    stateDir,
  });
  const started = performance.now();
  const cpu = process.cpuUsage();
  await streams.start();
  // Done when every input record went through the source (the processed counter counts each one).
  const processedOf = async () =>
    Number(
      / (\d+)$/m.exec(
        await streams.metrics().getSingleMetricAsString('rivulet_processed_records_total'),
      )?.[1] ?? 0,
    );
  const target = workload.name === 'repartition-count' ? 2 * records : records;
  while ((await processedOf()) < target) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = cpuSeconds(cpu);
  await streams.close();
  EmbeddedLog.reset(cluster);
  rmSync(stateDir, { recursive: true, force: true });
  return {
    workload: workload.name,
    mode: 'memory://',
    records,
    seconds,
    recordsPerSec: Math.round(records / seconds),
    recordsPerCpuSec: Math.round(records / cpuUsed),
  };
}

function throughDriver(workload: Workload): Result {
  const driver = new TopologyTestDriver(workload.topology('input', 'output'), {}, 0);
  const input = driver.createInputTopic('input', B, B);
  const output = driver.createOutputTopic('output', B, B);
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < records; i++) {
    const r = workload.record(i);
    input.pipeInput(r.key, r.value, i);
    if ((i & 1023) === 0) output.readRecordsToList(); // keep the captured output small
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = cpuSeconds(cpu);
  driver.close();
  return {
    workload: workload.name,
    mode: 'TopologyTestDriver',
    records,
    seconds,
    recordsPerSec: Math.round(records / seconds),
    recordsPerCpuSec: Math.round(records / cpuUsed),
  };
}

const results: Result[] = [];
for (const workload of selected) {
  process.stderr.write(`${workload.name}: ${records} records on memory:// ...\n`);
  results.push(await onEmbeddedLog(workload));
  process.stderr.write(`${workload.name}: ${records} records through the TopologyTestDriver ...\n`);
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
