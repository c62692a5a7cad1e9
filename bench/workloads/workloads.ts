import type { ValueKind } from './data.js';

/** The workloads, Kafka Streams' SimpleBenchmark shapes and more; each engine implements each the same way. */
export const WORKLOAD_NAMES = [
  'passthrough',
  'stateless',
  'count',
  'windowed-count',
  'stream-table-join',
  'repartition-count',
  'session-count',
  'stream-stream-join',
  'fk-join',
] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

export interface WorkloadSpec {
  readonly name: WorkloadName;
  readonly summary: string;
  readonly valueKind: ValueKind;
  /** Reads a 10,000-row table topic besides the stream. */
  readonly joinsTable: boolean;
}

export const WORKLOADS: Readonly<Record<WorkloadName, WorkloadSpec>> = {
  passthrough: {
    name: 'passthrough',
    summary: 'source → sink, byte arrays, no serde',
    valueKind: 'bytes',
    joinsTable: false,
  },
  stateless: {
    name: 'stateless',
    summary: 'JSON parse → filter type=view (1/3) → mapValues to 3 fields → JSON sink',
    valueKind: 'json',
    joinsTable: false,
  },
  count: {
    name: 'count',
    summary: 'groupByKey → count (persistent store, cache on) → sink',
    valueKind: 'bytes',
    joinsTable: false,
  },
  'windowed-count': {
    name: 'windowed-count',
    summary: 'groupByKey → windowedBy(hopping 1 s / 0.5 s, no grace) → count → sink',
    valueKind: 'bytes',
    joinsTable: false,
  },
  'stream-table-join': {
    name: 'stream-table-join',
    summary: 'leftJoin with a 10,000-key table (loaded first) → sink',
    valueKind: 'bytes',
    joinsTable: true,
  },
  'repartition-count': {
    name: 'repartition-count',
    summary: 'groupBy(new key from the value) → repartition → count → sink',
    valueKind: 'bytes',
    joinsTable: false,
  },
  'session-count': {
    name: 'session-count',
    summary: 'groupByKey → windowedBy(sessions, 300 ms gap and grace) → count (cache on) → sink',
    valueKind: 'bytes',
    joinsTable: false,
  },
  'stream-stream-join': {
    name: 'stream-stream-join',
    summary: 'the stream joined with itself within ±50 ms (two window stores) → sink',
    valueKind: 'bytes',
    joinsTable: false,
  },
  'fk-join': {
    name: 'fk-join',
    summary:
      'the stream as a table, joined by foreign key (2 bytes of the value) with the 10,000-key table → sink',
    valueKind: 'bytes',
    joinsTable: true,
  },
};

export function parseWorkloads(value: string | undefined): WorkloadName[] {
  if (value === undefined || value === 'all') return [...WORKLOAD_NAMES];
  const names = value.split(',');
  for (const name of names) {
    if (!(WORKLOAD_NAMES as readonly string[]).includes(name)) {
      throw new Error(`unknown workload '${name}': one of ${WORKLOAD_NAMES.join(', ')} (or all)`);
    }
  }
  return names as WorkloadName[];
}
