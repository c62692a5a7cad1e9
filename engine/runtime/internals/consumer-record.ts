import type { Headers } from '../../processor/record.js';

/** A fetched record as the transports hand it to the runtime: bytes, not yet deserialized. */
export interface ConsumerRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestampMs: number;
  readonly headers: Headers;
}
