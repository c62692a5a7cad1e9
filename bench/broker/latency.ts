import { build as buildHistogram } from 'hdr-histogram-js';
import { intKey, KEY_SPACE, random, VALUE_BYTES } from '../workloads/data.js';
import type { WorkloadName } from '../workloads/workloads.js';
import type { AppArgs } from './apps/app-args.js';
import { startEngine, stopEngine } from './engine-process.js';
import type { EngineId } from './engines.js';
import { callback, harnessProducer, Kafka, type RdKafka, send } from './native.js';
import { KEEP_FOREVER, PARTITIONS } from './preload.js';
import { cleanUp, type RunContext } from './run-once.js';
import type { CaseSummary } from './summary.js';

/** The workloads measured for latency, under at_least_once with commits every 100 ms (cache on). */
export const LATENCY_WORKLOADS: readonly WorkloadName[] = ['passthrough', 'count', 'stream-table-join'];
const LATENCY_ENGINES: readonly EngineId[] = ['rivulet', 'kafka-streams', 'rivulet-2t', 'kafka-streams-2t'];
const COMMIT_INTERVAL_MS = 100;
const FIXED_RATE = 20_000;

export interface LatencyCase {
  readonly workload: WorkloadName;
  /** Offered loads in records/s: 20k, and half the slower one-thread engine's measured maximum. */
  readonly rates: readonly number[];
  /** The engines measured: those of the run among rivulet and Kafka Streams with 1 and 2 threads. */
  readonly engines: readonly EngineId[];
}

export interface LatencyResult {
  readonly workload: WorkloadName;
  readonly engine: EngineId;
  readonly offeredRate: number;
  /** What the generator managed to send per second (it shares the machine with the engine). */
  readonly sentRate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly samples: number;
}

export function latencyCases(
  workload: WorkloadName,
  cases: readonly CaseSummary[],
  engines: readonly EngineId[],
): LatencyCase[] {
  if (!LATENCY_WORKLOADS.includes(workload)) return [];
  const measured = LATENCY_ENGINES.filter((e) => engines.includes(e));
  const alos = cases.find((c) => c.guarantee === 'at_least_once');
  const oneThread: EngineId[] = ['rivulet', 'kafka-streams'];
  const maxima = oneThread.map((e) => alos?.throughput[e]?.median).filter((v) => v !== undefined);
  const half = maxima.length === oneThread.length ? Math.round(Math.min(...maxima) / 2 / 1000) * 1000 : null;
  const rates = half && half !== FIXED_RATE ? [FIXED_RATE, half] : [FIXED_RATE];
  return measured.length ? [{ workload, rates, engines: measured }] : [];
}

/**
 * Open-loop latency: a generator offers a fixed rate (stamping each record with its send time), an
 * observer consumer takes `arrival − record timestamp` of each output record into an HDR histogram.
 * A warm-up of a quarter of the measured time (at most 15 s) is left out.
 */
export async function runLatency(
  ctx: RunContext,
  latencyCase: LatencyCase,
  table: string | undefined,
  seconds: number,
): Promise<LatencyResult[]> {
  const results: LatencyResult[] = [];
  for (const rate of latencyCase.rates) {
    for (const engine of latencyCase.engines) {
      results.push(await measure(ctx, latencyCase.workload, engine, rate, table, seconds));
      const r = results[results.length - 1]!;
      process.stderr.write(
        `bench: latency ${r.workload} ${engine} at ${rate} rec/s (sent ${r.sentRate}): p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, p99.9 ${r.p999Ms} ms\n`,
      );
    }
  }
  return results;
}

async function measure(
  ctx: RunContext,
  workload: WorkloadName,
  engine: EngineId,
  rate: number,
  table: string | undefined,
  seconds: number,
): Promise<LatencyResult> {
  const label = `latency-${workload}-${engine}-${rate}-${Date.now().toString(36)}`;
  const applicationId = `bench-${label}`;
  const input = `${applicationId}-input`;
  const output = `${applicationId}-output`;
  const stateDir = `${ctx.workDir}/state/${label}`;
  await ctx.admin.createTopics(
    [input, output].map((name) => ({
      name,
      partitions: PARTITIONS,
      replicationFactor: -1,
      config: KEEP_FOREVER,
    })),
  );
  const args: AppArgs = {
    workload,
    guarantee: 'at_least_once',
    applicationId,
    bootstrap: ctx.bootstrap,
    input,
    output,
    table,
    stateDir,
    commitIntervalMs: COMMIT_INTERVAL_MS,
  };
  const { child, ready } = startEngine(engine, args, `${ctx.workDir}/${label}.log`);
  const histogram = buildHistogram({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000,
    numberOfSignificantValueDigits: 3,
  });
  const observer = new Kafka.KafkaConsumer(
    {
      'bootstrap.servers': ctx.bootstrap,
      'group.id': `${applicationId}-observer`,
      'enable.auto.commit': false,
      'fetch.wait.max.ms': 5,
      'fetch.min.bytes': 1,
    },
    {},
  );
  try {
    await ready;
    await new Promise((r) => setTimeout(r, 2000)); // the join's table is read first
    await callback<unknown>('observer.connect', (cb) => observer.connect({}, cb));
    observer.setDefaultConsumeTimeout(5);
    observer.assign(
      Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: output, partition, offset: 0 })),
    );
    const warmupMs = Math.min(15_000, (seconds * 1000) / 4);
    const startMs = Date.now();
    const measureFrom = startMs + warmupMs;
    const measureTo = measureFrom + seconds * 1000;
    let observing = true;
    const observed = (async () => {
      while (observing) {
        const batch = await callback<RdKafka.Message[]>('observer.consume', (cb) =>
          observer.consume(1000, cb),
        );
        const arrival = Date.now();
        for (const m of batch) {
          const ts = m.timestamp ?? 0;
          if (ts >= measureFrom && ts < measureTo) histogram.recordValue(Math.max(1, arrival - ts));
        }
      }
    })();
    const sentRate = await generate(ctx.bootstrap, input, rate, measureTo);
    await new Promise((r) => setTimeout(r, 3000)); // the last records' way through
    observing = false;
    await observed;
    return {
      workload,
      engine,
      offeredRate: rate,
      sentRate,
      p50Ms: histogram.getValueAtPercentile(50),
      p99Ms: histogram.getValueAtPercentile(99),
      p999Ms: histogram.getValueAtPercentile(99.9),
      maxMs: histogram.maxValue,
      samples: histogram.totalCount,
    };
  } finally {
    await callback<unknown>('observer.disconnect', (cb) => observer.disconnect(cb)).catch(() => {});
    await stopEngine(child);
    await cleanUp(ctx, applicationId, output, stateDir);
    await ctx.admin.deleteTopics([input]).catch(() => {});
  }
}

/**
 * Offers `rate` records/s until `untilMs`, each stamped with its send time (open loop: never waits
 * for the app); returns the rate it reached.
 */
async function generate(bootstrap: string, topic: string, rate: number, untilMs: number): Promise<number> {
  const producer = await harnessProducer(bootstrap, 1);
  const next = random(rate);
  const values = Array.from({ length: 1024 }, (_, i) => Buffer.alloc(VALUE_BYTES, i & 0xff));
  const keys = Array.from({ length: KEY_SPACE }, (_, k) => intKey(k));
  const begin = Date.now();
  let sent = 0;
  while (Date.now() < untilMs) {
    const due = Math.floor(((Date.now() - begin) / 1000) * rate);
    while (sent < due) {
      await send(producer, topic, keys[Math.floor(next() * KEY_SPACE)]!, values[sent & 1023]!, Date.now());
      sent++;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const sentRate = Math.round((sent * 1000) / (Date.now() - begin));
  await callback<unknown>('producer.flush', (cb) => producer.flush(30_000, cb));
  await callback<unknown>('producer.disconnect', (cb) => producer.disconnect(cb));
  return sentRate;
}
