import type { Headers } from '../processor/record.js';

/** A record as tests pipe it in or read it out. */
export interface TestRecord<K, V> {
  readonly key: K | null;
  readonly value: V | null;
  readonly timestampMs?: number;
  readonly headers?: Headers;
}
