// Throughput and latency of rivulet side by side with Kafka Streams (Java) and the raw client
// limit, on one broker, one input and one machine, in one invocation. See docs/benchmarks.md.
//   npm run bench -- [--workload NAME[,NAME…]|all] [--guarantee at_least_once|exactly_once_v2|both]
//                    [--records N] [--warmup N] [--reps N] [--distribution uniform|zipf]
//                    [--engines rivulet,kafka-streams,limit,limit-batch,rivulet-per-message,rivulet-2t,kafka-streams-2t]
//                    [--latency-seconds N] [--no-latency] [--profile|--no-profile] [--keep-broker] [--quick] [--help]
// With --profile (the default without --quick), rivulet runs once more per workload and guarantee
// under `--cpu-prof` (not counted in the throughput) for the profile summary. BENCH_NODE_FLAGS="--cpu-prof
// --cpu-prof-dir=DIR" profiles every Node engine run; KAFKA_BOOTSTRAP_SERVERS reuses a broker.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SEED, type KeyDistribution } from '../workloads/data.js';
import { parseWorkloads, WORKLOADS, type WorkloadName } from '../workloads/workloads.js';
import type { Guarantee } from './apps/app-args.js';
import { buildBatchAddon } from './batch-addon/load.js';
import { BenchAdmin } from './bench-admin.js';
import { ensureBroker } from './broker.js';
import { buildJavaPeer, ENGINES, type EngineId, JVM_OPTIONS, NODE_OPTIONS } from './engines.js';
import { type LatencyResult, latencyCases, runLatency } from './latency.js';
import { preloadInput, preloadTable } from './preload.js';
import { type CallFrame, summarizeProfile } from './profile-summary.js';
import {
  latencyTable,
  profileTable,
  resourceTable,
  throughputChart,
  throughputTable,
  type WorkloadProfile,
} from './report.js';
import { type RunContext, type RunResult, type RunSpec, runOnce } from './run-once.js';
import { type CaseSummary, summarize } from './summary.js';

/** A run that did not finish counts as a wrong one: left out of the table, named below it. */
function failedRun(engine: EngineId, workload: WorkloadName, guarantee: Guarantee, error: Error): RunResult {
  console.error(`\n${error.message}`);
  return {
    engine,
    workload,
    guarantee,
    recordsPerSec: 0,
    windowSeconds: 0,
    coldTotalSeconds: 0,
    recordsPerAppCpuSec: 0,
    brokerCpuSecPerMillion: null,
    peakRssMb: null,
    outputRecords: 0,
    correct: false,
    problem: error.message.split('\n')[0] ?? 'failed',
  };
}

const ROOT = resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    workload: { type: 'string', default: 'all' },
    guarantee: { type: 'string', default: 'both' },
    records: { type: 'string' },
    warmup: { type: 'string' },
    reps: { type: 'string' },
    distribution: { type: 'string', default: 'uniform' },
    seed: { type: 'string', default: String(DEFAULT_SEED) },
    'latency-seconds': { type: 'string', default: '60' },
    'no-latency': { type: 'boolean', default: false },
    profile: { type: 'boolean' },
    'no-profile': { type: 'boolean', default: false },
    'keep-broker': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
    engines: { type: 'string', default: ENGINES.join(',') },
  },
});

if (values.help) {
  // The usage is the comment at the top of this file.
  const usage = readFileSync(import.meta.filename, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('//'));
  console.log(usage.map((l) => l.slice(3)).join('\n'));
  process.exit(0);
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}
const positive = (name: string, value: string | undefined, fallback: number): number => {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) fail(`--${name} must be a positive whole number, got '${value}'`);
  return n;
};

const quick = values.quick;
const measured = positive('records', values.records, quick ? 20_000 : 1_000_000);
const warmup = positive('warmup', values.warmup, quick ? 5_000 : Math.round(measured / 4));
const reps = positive('reps', values.reps, quick ? 1 : 3);
const latencySeconds = positive('latency-seconds', values['latency-seconds'], 60);
const seed = positive('seed', values.seed, DEFAULT_SEED);
let workloads: WorkloadName[];
try {
  workloads = parseWorkloads(values.workload);
} catch (error) {
  fail((error as Error).message);
}
const guarantees: Guarantee[] =
  values.guarantee === 'both'
    ? ['at_least_once', 'exactly_once_v2']
    : values.guarantee === 'at_least_once' || values.guarantee === 'exactly_once_v2'
      ? [values.guarantee]
      : fail(`--guarantee must be at_least_once, exactly_once_v2 or both, got '${values.guarantee}'`);
if (values.distribution !== 'uniform' && values.distribution !== 'zipf')
  fail(`--distribution must be uniform or zipf, got '${values.distribution}'`);
const distribution = values.distribution as KeyDistribution;
const engines = values.engines.split(',') as EngineId[];
for (const e of engines)
  if (!ENGINES.includes(e)) fail(`unknown engine '${e}': one of ${ENGINES.join(', ')}`);
const withLatency = !quick && !values['no-latency'];
const withProfile = !values['no-profile'] && (values.profile ?? !quick);

buildJavaPeer();
if (engines.includes('limit-batch')) buildBatchAddon();
const broker = ensureBroker(values['keep-broker']);
const admin = new BenchAdmin(broker.bootstrap);
const workDir = mkdtempSync(join(tmpdir(), 'rivulet-bench-'));
const ctx: RunContext = {
  bootstrap: broker.bootstrap,
  brokerPid: broker.pid,
  admin,
  workDir,
  seed,
  distribution,
};
const date = new Date().toISOString().slice(0, 10);
const resultsDir = resolve(ROOT, 'bench/results');
const cases: CaseSummary[] = [];
const allRuns: RunResult[] = [];
const latencies: LatencyResult[] = [];
const profiles: WorkloadProfile[] = [];
let runNumber = 0;

/** A frame of a stream task's record processing: the profile summary's window (start-up left out). */
const inRecordProcessing = (frame: CallFrame) =>
  frame.functionName === 'process' && frame.url.endsWith('engine/runtime/internals/stream-task.ts');

/** One more rivulet run under `--cpu-prof`, summarized; its rate is not counted (the profiler slows it). */
async function profileRivulet(spec: Omit<RunSpec, 'engine' | 'label' | 'nodeFlags'>): Promise<void> {
  const label = `${spec.workload}-${spec.guarantee === 'exactly_once_v2' ? 'eos' : 'alos'}-profile-${++runNumber}-${Date.now().toString(36)}`;
  const dir = join(workDir, 'profiles', label);
  process.stderr.write(`bench: ${label} ...`);
  const result = await runOnce(ctx, {
    ...spec,
    engine: 'rivulet',
    label,
    nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  }).catch((error: Error) => failedRun('rivulet', spec.workload, spec.guarantee, error));
  const file = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.cpuprofile')) : undefined;
  if (!result.correct || !file) {
    // A wrong output is a wrong output, profiled or not: the invocation fails as for any run.
    process.stderr.write(` no profile: ${result.problem ?? 'the process wrote none'}\n`);
    process.exitCode = 1;
    return;
  }
  const summary = summarizeProfile(join(dir, file), { inWindow: inRecordProcessing });
  profiles.push({ workload: spec.workload, guarantee: spec.guarantee, summary });
  process.stderr.write(
    ` main thread ${(summary.busyShare * 100).toFixed(0)} % busy over ${(summary.windowMs / 1000).toFixed(1)} s of record processing\n`,
  );
}

try {
  for (const workload of workloads) {
    const input = await preloadInput(admin, broker.bootstrap, {
      valueKind: WORKLOADS[workload].valueKind,
      distribution,
      records: warmup + measured,
      seed,
    });
    const table = WORKLOADS[workload].joinsTable
      ? await preloadTable(admin, broker.bootstrap, seed)
      : undefined;
    const workloadCases: CaseSummary[] = [];
    for (const guarantee of guarantees) {
      // A-B-C, C-B-A, A-B-C, …: every system runs `reps` times, alternating its position.
      const order: EngineId[] = [];
      for (let r = 0; r < reps; r++) {
        const round = (
          [
            'rivulet',
            'kafka-streams',
            'limit',
            'limit-batch',
            'rivulet-per-message',
            'rivulet-2t',
            'kafka-streams-2t',
          ] as const
        ).filter((e) => engines.includes(e));
        order.push(...(r % 2 === 0 ? round : round.reverse()));
      }
      const runs: RunResult[] = [];
      for (const engine of order) {
        const label = `${workload}-${guarantee === 'exactly_once_v2' ? 'eos' : 'alos'}-${engine}-${++runNumber}-${Date.now().toString(36)}`;
        process.stderr.write(`bench: ${label} ...`);
        const result = await runOnce(ctx, {
          engine,
          workload,
          guarantee,
          input,
          table,
          warmup,
          measured,
          label,
        }).catch((error: Error) => failedRun(engine, workload, guarantee, error));
        process.stderr.write(
          ` ${result.recordsPerSec.toLocaleString('en-US')} rec/s, cold ${result.coldTotalSeconds.toFixed(1)} s${result.correct ? '' : `, WRONG OUTPUT: ${result.problem}`}\n`,
        );
        runs.push(result);
      }
      allRuns.push(...runs);
      workloadCases.push(summarize(workload, guarantee, runs));
      if (withProfile) await profileRivulet({ workload, guarantee, input, table, warmup, measured });
    }
    cases.push(...workloadCases);
    if (withLatency) {
      for (const latencyCase of latencyCases(workload, workloadCases, engines)) {
        latencies.push(...(await runLatency(ctx, latencyCase, table, latencySeconds)));
      }
    }
    if (!quick) {
      mkdirSync(resultsDir, { recursive: true });
      writeFileSync(
        join(resultsDir, `${date}-${workload}.json`),
        `${JSON.stringify(
          {
            date,
            machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
            settings: { measured, warmup, reps, distribution, seed, jvm: JVM_OPTIONS, node: NODE_OPTIONS },
            summaries: workloadCases,
            latency: latencies.filter((l) => l.workload === workload),
            profiles: profiles.filter((p) => p.workload === workload),
            runs: allRuns.filter((r) => r.workload === workload),
          },
          null,
          2,
        )}\n`,
      );
    }
  }
} finally {
  await admin.close();
  broker.stop();
  rmSync(workDir, { recursive: true, force: true });
}

const report = [
  `${measured.toLocaleString('en-US')} measured records after ${warmup.toLocaleString('en-US')} warm-up, ${reps} repetition(s), keys ${distribution}, ${date}`,
  '',
  throughputTable(cases),
  '',
  resourceTable(cases),
  ...(latencies.length ? ['', latencyTable(latencies)] : []),
  ...(profiles.length ? ['', profileTable(profiles)] : []),
].join('\n');
console.log(`\n${report}\n`);
if (cases.some((c) => c.wrongRuns.length > 0)) {
  console.error('bench: these runs failed or produced a wrong output (left out of the table above):');
  for (const c of cases)
    for (const w of c.wrongRuns) console.error(`  ${c.workload} ${c.guarantee} ${w.engine}: ${w.problem}`);
  process.exitCode = 1;
}
if (!quick) {
  writeFileSync(
    resolve(ROOT, 'docs/bench-throughput.svg'),
    throughputChart(cases, `Throughput (records/s), ${date}`),
  );
  const docPath = resolve(ROOT, 'docs/benchmarks.md');
  const doc = readFileSync(docPath, 'utf8');
  const start = '<!-- bench:broker:start -->';
  const end = '<!-- bench:broker:end -->';
  if (doc.includes(start) && doc.includes(end)) {
    writeFileSync(
      docPath,
      `${doc.slice(0, doc.indexOf(start) + start.length)}\n${report}\n${doc.slice(doc.indexOf(end))}`,
    );
  }
  console.log(
    `wrote bench/results/${date}-<workload>.json, docs/bench-throughput.svg and the table in docs/benchmarks.md`,
  );
}
