import type { WorkloadName } from '../workloads/workloads.js';
import type { Guarantee } from './apps/app-args.js';
import type { EngineId } from './engines.js';
import type { RunResult } from './run-once.js';

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** One workload under one guarantee: each system's runs and the ratios the issue asks for. */
export interface CaseSummary {
  readonly workload: WorkloadName;
  readonly guarantee: Guarantee;
  readonly throughput: Partial<Record<EngineId, Spread>>;
  readonly appCpuEfficiency: Partial<Record<EngineId, number>>;
  readonly coldTotalSeconds: Partial<Record<EngineId, number>>;
  readonly peakRssMb: Partial<Record<EngineId, number>>;
  readonly brokerCpuSecPerMillion: Partial<Record<EngineId, number>>;
  /** rivulet / Kafka Streams (1 thread), per repetition. */
  readonly vsKafkaStreams: Spread | null;
  /** rivulet / the raw client limit, per repetition. */
  readonly vsLimit: Spread | null;
  /** rivulet with 2 stream threads / Kafka Streams with 2, per repetition. */
  readonly twoThreadsVsKafkaStreams: Spread | null;
  /** Runs whose output failed the check (they are left out of everything above). */
  readonly wrongRuns: { engine: EngineId; problem: string }[];
}

function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

const medianOf = (values: number[]) => spread(values)?.median;

/** Ratios pair the i-th run of each system (the runs alternate A-B-B-A, so pairs share conditions). */
function ratios(a: number[], b: number[]): Spread | null {
  const n = Math.min(a.length, b.length);
  return spread(Array.from({ length: n }, (_, i) => a[i]! / b[i]!));
}

export function summarize(
  workload: WorkloadName,
  guarantee: Guarantee,
  runs: readonly RunResult[],
): CaseSummary {
  const good = runs.filter((r) => r.correct);
  const of = (engine: EngineId) => good.filter((r) => r.engine === engine);
  const perEngine = <T>(pick: (rs: RunResult[]) => T | undefined | null) => {
    const out: Partial<Record<EngineId, T>> = {};
    for (const engine of new Set(good.map((r) => r.engine))) {
      const value = pick(of(engine));
      if (value !== undefined && value !== null) out[engine] = value;
    }
    return out;
  };
  const rates = (engine: EngineId) => of(engine).map((r) => r.recordsPerSec);
  return {
    workload,
    guarantee,
    throughput: perEngine((rs) => spread(rs.map((r) => r.recordsPerSec))),
    appCpuEfficiency: perEngine((rs) => medianOf(rs.map((r) => r.recordsPerAppCpuSec))),
    coldTotalSeconds: perEngine((rs) => medianOf(rs.map((r) => r.coldTotalSeconds))),
    peakRssMb: perEngine((rs) => medianOf(rs.flatMap((r) => (r.peakRssMb === null ? [] : [r.peakRssMb])))),
    brokerCpuSecPerMillion: perEngine((rs) =>
      medianOf(rs.flatMap((r) => (r.brokerCpuSecPerMillion === null ? [] : [r.brokerCpuSecPerMillion]))),
    ),
    vsKafkaStreams: ratios(rates('rivulet'), rates('kafka-streams')),
    vsLimit: ratios(rates('rivulet'), rates('limit-batch')),
    twoThreadsVsKafkaStreams: ratios(rates('rivulet-2t'), rates('kafka-streams-2t')),
    wrongRuns: runs.filter((r) => !r.correct).map((r) => ({ engine: r.engine, problem: r.problem ?? '' })),
  };
}

export function geometricMean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}
