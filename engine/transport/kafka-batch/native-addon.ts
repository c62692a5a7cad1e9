import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

// The batch data plane's native addon (native/*.c, built by native/build.mjs at `npm install`).

/** A librdkafka client inside the addon. */
export type NativeHandle = { readonly __nativeHandle: unique symbol };

/** A librdkafka error as the addon reports it (kafka-errors.ts classifies it). */
export interface NativeError extends Error {
  readonly code: number;
  readonly isFatal: boolean;
  readonly isRetriable: boolean;
  readonly isTxnRequiresAbort: boolean;
}

export interface NativePartition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly error?: NativeError;
}

/** topic, partition, offset (or null), repeated. */
export type PartitionTriples = (string | number | null)[];

/** consume()'s answer: [data, index, meta, count, topics, eofs, error] (consumer.c documents each). */
export type ConsumedBatch = [
  Buffer,
  Int32Array,
  Float64Array,
  number,
  string[],
  (string | number)[],
  NativeError | null,
];

export interface NativeFailure {
  readonly topic: string;
  readonly partition: number;
  readonly timestampMs: number;
  readonly error: NativeError;
}

/** The addon's calls; addon.c, consumer.c and producer.c document each. */
export interface NativeAddon {
  create(kind: 'consumer' | 'producer', settings: string[]): NativeHandle;
  close(handle: NativeHandle): Promise<void>;
  fatalError(handle: NativeHandle): NativeError | null;
  listOffsets(
    handle: NativeHandle,
    partitions: PartitionTriples,
    readCommitted: boolean,
    timeoutMs: number,
  ): Promise<NativePartition[]>;
  // consumer
  subscribe(consumer: NativeHandle, topics: string[]): void;
  assign(consumer: NativeHandle, partitions: PartitionTriples | null): void;
  takeEvents(consumer: NativeHandle): { kind: 'assign' | 'revoke'; partitions: NativePartition[] }[];
  consume(consumer: NativeHandle, max: number): ConsumedBatch;
  waitForRecords(consumer: NativeHandle, timeoutMs: number): Promise<boolean>;
  pauseOrResume(consumer: NativeHandle, partitions: PartitionTriples, paused: boolean): void;
  position(consumer: NativeHandle, partitions: PartitionTriples): NativePartition[];
  seek(consumer: NativeHandle, partitions: PartitionTriples, timeoutMs: number): Promise<NativePartition[]>;
  commit(consumer: NativeHandle, partitions: PartitionTriples): Promise<NativePartition[]>;
  committed(
    consumer: NativeHandle,
    partitions: PartitionTriples,
    timeoutMs: number,
  ): Promise<NativePartition[]>;
  // producer
  topic(producer: NativeHandle, name: string): number;
  produce(
    producer: NativeHandle,
    topicId: number,
    partition: number,
    key: Buffer | null,
    value: Buffer | null,
    timestampMs: number,
    headers: (string | Buffer | null)[] | null,
  ): number;
  errorMessage(code: number): string;
  poll(handle: NativeHandle): void;
  takeFailures(producer: NativeHandle): NativeFailure[];
  flush(producer: NativeHandle, timeoutMs: number): Promise<void>;
  metadata(producer: NativeHandle, timeoutMs: number): Promise<Record<string, number>>;
  initTransactions(producer: NativeHandle, timeoutMs: number): Promise<void>;
  beginTransaction(producer: NativeHandle): void;
  sendOffsets(
    producer: NativeHandle,
    consumer: NativeHandle,
    offsets: PartitionTriples,
    timeoutMs: number,
  ): Promise<void>;
  commitTransaction(producer: NativeHandle, timeoutMs: number): Promise<void>;
  abortTransaction(producer: NativeHandle, timeoutMs: number): Promise<void>;
}

const require = createRequire(import.meta.url);
// From the sources (engine/transport/kafka-batch) or the build (dist/engine/transport/kafka-batch).
const CANDIDATES = [
  resolve(import.meta.dirname, 'native/build/rivulet_kafka.node'),
  resolve(import.meta.dirname, '../../../../engine/transport/kafka-batch/native/build/rivulet_kafka.node'),
];
let loaded: NativeAddon | undefined;

/** The built addon, or undefined when `npm install` could not build it (native/build.mjs said why). */
export function loadNativeAddon(): NativeAddon | undefined {
  if (loaded) return loaded;
  const path = CANDIDATES.find((p) => existsSync(p));
  if (!path) return undefined;
  loaded = require(path) as NativeAddon;
  return loaded;
}

/** [topic, partition, offset | null, …] for the addon. */
export function triples(
  partitions: readonly { topic: string; partition: number; offset?: number }[],
): PartitionTriples {
  const out: PartitionTriples = [];
  for (const p of partitions) out.push(p.topic, p.partition, p.offset ?? null);
  return out;
}
