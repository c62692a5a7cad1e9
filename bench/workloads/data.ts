// The benchmark's input data, the same for every engine and every run: a seeded generator of
// 4-byte big-endian integer keys (uniform over 10,000 or Zipf 0.99), 100-byte random values or
// ~85-byte JSON events, and event timestamps 10,000 per second of event time.

export const KEY_SPACE = 10_000;
export const VALUE_BYTES = 100;
/** Event time of record 0; a multiple of 1000 so windows line up with the data. */
export const BASE_TIMESTAMP_MS = 1_700_000_000_000;
/** Table rows of the join workload sit just before the stream, so both engines load them first. */
export const TABLE_TIMESTAMP_MS = BASE_TIMESTAMP_MS - 1;
export const DEFAULT_SEED = 20261123;

export type KeyDistribution = 'uniform' | 'zipf';
export type ValueKind = 'bytes' | 'json';

/** The ~85-byte JSON event of the stateless workload (the first half of the Yahoo benchmark). */
export interface Event {
  readonly userId: number;
  readonly itemId: number;
  readonly type: 'view' | 'cart' | 'buy';
  readonly amount: number;
  readonly ts: number;
}

export const EVENT_TYPES = ['view', 'cart', 'buy'] as const;

export interface InputRecord {
  readonly key: Buffer;
  readonly keyInt: number;
  readonly value: Buffer;
  readonly timestampMs: number;
}

/** mulberry32: small, fast and good enough to make keys and bytes look random. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const timestampOf = (index: number): number => BASE_TIMESTAMP_MS + Math.floor(index / 10);

export function intKey(n: number): Buffer {
  const key = Buffer.allocUnsafe(4);
  key.writeInt32BE(n, 0);
  return key;
}

function zipfCdf(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let rank = 1; rank <= n; rank++) {
    sum += 1 / rank ** s;
    cdf[rank - 1] = sum;
  }
  for (let i = 0; i < n; i++) cdf[i]! /= sum;
  return cdf;
}

function keyPicker(distribution: KeyDistribution, next: () => number): () => number {
  if (distribution === 'uniform') return () => Math.floor(next() * KEY_SPACE);
  const cdf = zipfCdf(KEY_SPACE, 0.99);
  return () => {
    const u = next();
    let lo = 0;
    let hi = KEY_SPACE - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function randomBytes(next: () => number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i += 4) {
    const word = (next() * 4294967296) >>> 0;
    for (let j = 0; j < 4 && i + j < length; j++) bytes[i + j] = (word >>> (8 * j)) & 0xff;
  }
  return bytes;
}

/** Records 0, 1, 2, … of one input topic; the same seed gives the same records. */
export function* inputRecords(
  seed: number,
  distribution: KeyDistribution,
  valueKind: ValueKind,
  count: number,
): Generator<InputRecord> {
  const next = random(seed);
  const pickKey = keyPicker(distribution, next);
  for (let i = 0; i < count; i++) {
    const keyInt = pickKey();
    const timestampMs = timestampOf(i);
    let value: Buffer;
    if (valueKind === 'bytes') value = randomBytes(next, VALUE_BYTES);
    else {
      const event: Event = {
        userId: keyInt,
        itemId: Math.floor(next() * 100_000),
        type: EVENT_TYPES[Math.floor(next() * 3)]!,
        amount: Math.floor(next() * 1_000_000),
        ts: timestampMs,
      };
      value = Buffer.from(JSON.stringify(event));
    }
    yield { key: intKey(keyInt), keyInt, value, timestampMs };
  }
}

/** The join workload's table: one 100-byte row per key. */
export function tableRows(seed: number): Buffer[] {
  const next = random(seed ^ 0x5eed);
  return Array.from({ length: KEY_SPACE }, () => randomBytes(next, VALUE_BYTES));
}

/** The join workload's table topic: 10,000 rows, all stamped before the stream's first record. */
export function* tableRecords(seed: number): Generator<InputRecord> {
  const rows = tableRows(seed);
  for (let k = 0; k < rows.length; k++) {
    yield { key: intKey(k), keyInt: k, value: rows[k]!, timestampMs: TABLE_TIMESTAMP_MS };
  }
}

/** The repartition workload's new key: a value's first two bytes, modulo 1000. */
export const regroupKey = (value: Buffer): number => value.readUInt16BE(0) % 1000;

/** The windowed workload's windows: 1 s, a new one every 0.5 s, no grace. */
export const WINDOW_SIZE_MS = 1000;
export const WINDOW_ADVANCE_MS = 500;
/**
 * session-count: a key's records at most this far apart form one session (a key recurs every
 * ~100 ms). The grace (equal to the gap) keeps sessions in the store past the gap: with a store
 * kept for the gap only, whether a session exactly one gap old still merges depends on when a
 * cache flushed (so Kafka Streams' own results varied between runs).
 */
export const SESSION_GAP_MS = 300;

/** stream-stream-join: the input joined with itself, records of a key at most this far apart (a key recurs every ~100 ms). */
export const STREAM_JOIN_WINDOW_MS = 50;

/** fk-join: the table row a primary value points at (the foreign key), one of the first 1000 rows. */
export const foreignKeyOf = (value: Buffer): number => value.readUInt16BE(0) % 1000;

/** What both joins output: the first 8 bytes of each side. */
export function joinedBytes(left: Buffer, right: Buffer): Buffer {
  return Buffer.concat([left.subarray(0, 8), right.subarray(0, 8)]);
}
