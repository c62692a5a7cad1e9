import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { copyCheck, outputCheck } from '../workloads/checks.js';
import type { KeyDistribution } from '../workloads/data.js';
import type { WorkloadName } from '../workloads/workloads.js';
import type { AppArgs, Guarantee } from './apps/app-args.js';
import type { BenchAdmin } from './bench-admin.js';
import { startEngine, stopEngine } from './engine-process.js';
import type { EngineId } from './engines.js';
import { checkOutput } from './output-check.js';
import { KEEP_FOREVER, PARTITIONS } from './preload.js';
import { cpuSeconds, peakRssBytes } from './proc-stats.js';

export interface RunContext {
  readonly bootstrap: string;
  readonly brokerPid: number | null;
  readonly admin: BenchAdmin;
  /** Logs, state and GC logs of this invocation's runs. */
  readonly workDir: string;
  readonly seed: number;
  readonly distribution: KeyDistribution;
}

export interface RunSpec {
  readonly engine: EngineId;
  readonly workload: WorkloadName;
  readonly guarantee: Guarantee;
  readonly input: string;
  readonly table: string | undefined;
  /** Records committed before the measured window opens. */
  readonly warmup: number;
  /** Records in the window (the input holds warmup + measured). */
  readonly measured: number;
  readonly label: string;
  /** Extra flags for a Node engine's process, e.g. `--cpu-prof` for the profiled run. */
  readonly nodeFlags?: readonly string[];
}

export interface RunResult {
  readonly engine: EngineId;
  readonly workload: WorkloadName;
  readonly guarantee: Guarantee;
  /** Input records per second between the warm-up mark and the end, from committed offsets. */
  readonly recordsPerSec: number;
  readonly windowSeconds: number;
  /** Process start to all input committed. */
  readonly coldTotalSeconds: number;
  readonly recordsPerAppCpuSec: number;
  readonly brokerCpuSecPerMillion: number | null;
  readonly peakRssMb: number | null;
  readonly outputRecords: number;
  readonly correct: boolean;
  readonly problem: string | null;
}

/** What the runner notes at the two ends of the measured window. */
interface Sample {
  readonly at: number;
  readonly committed: number;
  readonly appCpu: number;
  readonly brokerCpu: number | null;
}

const commitIntervalFor = (guarantee: Guarantee) => (guarantee === 'exactly_once_v2' ? 100 : 1000);
const POLL_MS = 200;
const STALL_MS = 90_000;

/** Removes what a run left: its output topic, its internal topics and its state. */
export async function cleanUp(ctx: RunContext, applicationId: string, output: string, stateDir: string) {
  const topics = (await ctx.admin.listTopics()).filter(
    (t) => t === output || t.startsWith(`${applicationId}-`),
  );
  await ctx.admin.deleteTopics(topics).catch(() => {});
  rmSync(stateDir, { recursive: true, force: true });
}

/**
 * One engine on one workload from offset 0: throughput from the group's committed offsets on the
 * input (polled every 200 ms), CPU of the app and the broker over the same window, peak RSS, then
 * the output's correctness.
 */
export async function runOnce(ctx: RunContext, spec: RunSpec): Promise<RunResult> {
  const applicationId = `bench-${spec.label}`;
  const output = `${applicationId}-output`;
  const stateDir = join(ctx.workDir, 'state', spec.label);
  mkdirSync(stateDir, { recursive: true });
  await ctx.admin.createTopics([
    { name: output, partitions: PARTITIONS, replicationFactor: -1, config: KEEP_FOREVER },
  ]);
  const args: AppArgs = {
    workload: spec.workload,
    guarantee: spec.guarantee,
    applicationId,
    bootstrap: ctx.bootstrap,
    input: spec.input,
    output,
    table: spec.table,
    stateDir,
    commitIntervalMs: commitIntervalFor(spec.guarantee),
  };
  const logFile = join(ctx.workDir, `${spec.label}.log`);
  const total = spec.warmup + spec.measured;
  const started = performance.now();
  const { child } = startEngine(spec.engine, args, logFile, spec.nodeFlags);
  const pid = child.pid!;
  try {
    let opened: Sample | null = null;
    let closed: Sample | null = null;
    let progressAt = performance.now();
    let previous = { at: progressAt, committed: 0 };
    while (closed === null) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      if (child.exitCode !== null) throw new Error(`${spec.engine} exited with code ${child.exitCode}`);
      const committed = await ctx.admin
        .committedRecords(applicationId, spec.input)
        .catch(() => previous.committed);
      const now = performance.now();
      if (committed > previous.committed) progressAt = now;
      else if (now - progressAt > STALL_MS)
        throw new Error(`no progress for ${STALL_MS / 1000} s at ${committed} committed records`);
      // The moment the committed count passed `mark`, interpolated between this poll and the last.
      const crossing = (mark: number): Sample => ({
        at:
          previous.at +
          ((mark - previous.committed) / (committed - previous.committed)) * (now - previous.at),
        committed: mark,
        appCpu: cpuSeconds(pid) ?? 0,
        brokerCpu: ctx.brokerPid ? cpuSeconds(ctx.brokerPid) : null,
      });
      if (!opened && committed >= spec.warmup) opened = crossing(spec.warmup);
      if (opened && committed >= total) closed = crossing(total);
      previous = { at: now, committed };
    }
    const peakRss = peakRssBytes(pid);
    const { problem, records } = await checkOutput(
      ctx.bootstrap,
      ctx.admin,
      output,
      (spec.engine === 'limit' || spec.engine === 'limit-batch' ? copyCheck : outputCheck)({
        workload: spec.workload,
        seed: ctx.seed,
        distribution: ctx.distribution,
        records: total,
      }),
      15_000,
    );
    const windowSeconds = (closed.at - opened!.at) / 1000;
    const windowRecords = closed.committed - opened!.committed;
    return {
      engine: spec.engine,
      workload: spec.workload,
      guarantee: spec.guarantee,
      recordsPerSec: Math.round(windowRecords / windowSeconds),
      windowSeconds,
      coldTotalSeconds: (closed.at - started) / 1000,
      recordsPerAppCpuSec: Math.round(windowRecords / Math.max(0.01, closed.appCpu - opened!.appCpu)),
      brokerCpuSecPerMillion:
        closed.brokerCpu !== null && opened!.brokerCpu !== null
          ? ((closed.brokerCpu - opened!.brokerCpu) / windowRecords) * 1e6
          : null,
      peakRssMb: peakRss === null ? null : Math.round(peakRss / 1048576),
      outputRecords: records,
      correct: problem === null,
      problem,
    };
  } catch (error) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
    throw new Error(`${spec.label}: ${(error as Error).message}\n--- end of ${logFile} ---\n${tail}`);
  } finally {
    await stopEngine(child);
    await cleanUp(ctx, applicationId, output, stateDir);
  }
}
