import type { KeyValue } from '../../state-stores/key-value-store.js';
import type { Headers } from '../processor/record.js';
import type { Serde } from '../serdes/serde.js';
import type { TestRecord } from './test-record.js';

export interface CapturedRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestampMs: number;
  readonly headers: Headers;
}

/** Reads what a topology wrote to an output topic, oldest first. Reading removes the record. */
export class TestOutputTopic<K, V> {
  /** @internal */
  constructor(
    private readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly queue: CapturedRecord[],
  ) {}

  readRecord(): TestRecord<K, V> & { timestampMs: number } {
    const raw = this.queue.shift();
    if (!raw) throw new Error(`output topic ${this.topic} is empty`);
    return {
      key: this.keySerde.deserialize(this.topic, raw.key),
      value: this.valueSerde.deserialize(this.topic, raw.value),
      timestampMs: raw.timestampMs,
      headers: raw.headers,
    };
  }

  readKeyValue(): KeyValue<K | null, V | null> {
    const { key, value } = this.readRecord();
    return { key, value };
  }

  readValue(): V | null {
    return this.readRecord().value;
  }

  readRecordsToList(): (TestRecord<K, V> & { timestampMs: number })[] {
    const out = [];
    while (this.queue.length) out.push(this.readRecord());
    return out;
  }

  readKeyValuesToList(): KeyValue<K | null, V | null>[] {
    return this.readRecordsToList().map(({ key, value }) => ({ key, value }));
  }

  readValuesToList(): (V | null)[] {
    return this.readRecordsToList().map((r) => r.value);
  }

  /** The last value per key; a null value (tombstone) removes the key. */
  readKeyValuesToMap(): Map<K, V> {
    const map = new Map<K, V>();
    for (const { key, value } of this.readRecordsToList()) {
      if (key === null)
        throw new Error(`output topic ${this.topic} holds a record with a null key; use readKeyValuesToList`);
      if (value === null) map.delete(key);
      else map.set(key, value);
    }
    return map;
  }

  isEmpty(): boolean {
    return this.queue.length === 0;
  }

  getQueueSize(): number {
    return this.queue.length;
  }
}
