import { parseArgs } from 'node:util';
import { parseWorkloads, type WorkloadName } from '../../workloads/workloads.js';

export type Guarantee = 'at_least_once' | 'exactly_once_v2';

/** What the runner tells every engine process (the Java peer takes the same flags). */
export interface AppArgs {
  readonly workload: WorkloadName;
  readonly guarantee: Guarantee;
  readonly applicationId: string;
  readonly bootstrap: string;
  readonly input: string;
  readonly output: string;
  readonly table: string | undefined;
  readonly stateDir: string;
  readonly commitIntervalMs: number;
  /** rivulet's Kafka data plane (the runner's two rivulet engines); other engines ignore it. */
  readonly dataPlane?: 'batch' | 'per-message';
  /** Stream threads (rivulet's numStreamThreads, Kafka Streams' num.stream.threads). */
  readonly threads?: number;
}

export function appArgs(): AppArgs {
  const { values } = parseArgs({
    options: {
      workload: { type: 'string' },
      guarantee: { type: 'string', default: 'at_least_once' },
      'application-id': { type: 'string' },
      bootstrap: { type: 'string' },
      input: { type: 'string' },
      output: { type: 'string' },
      table: { type: 'string' },
      'state-dir': { type: 'string' },
      'commit-interval-ms': { type: 'string' },
      'data-plane': { type: 'string', default: 'batch' },
      threads: { type: 'string', default: '1' },
    },
  });
  const required = (name: keyof typeof values): string => {
    const value = values[name];
    if (typeof value !== 'string' || value === '') throw new Error(`--${name} is required`);
    return value;
  };
  const guarantee = required('guarantee');
  if (guarantee !== 'at_least_once' && guarantee !== 'exactly_once_v2')
    throw new Error(`--guarantee must be at_least_once or exactly_once_v2, got '${guarantee}'`);
  return {
    workload: parseWorkloads(required('workload'))[0]!,
    guarantee,
    applicationId: required('application-id'),
    bootstrap: required('bootstrap'),
    input: required('input'),
    output: required('output'),
    table: values.table,
    stateDir: required('state-dir'),
    commitIntervalMs: Number(required('commit-interval-ms')),
    dataPlane: dataPlane(values['data-plane']),
    threads: Number(values.threads),
  };
}

/** The line an engine prints once it processes (the runner's latency runs wait for it). */
export const READY_LINE = 'BENCH-APP-READY';

function dataPlane(value: string | undefined): 'batch' | 'per-message' {
  if (value !== 'batch' && value !== 'per-message')
    throw new Error(`--data-plane must be batch or per-message, got '${value}'`);
  return value;
}
