import type { KeyValue } from '../../state-stores/key-value-store.js';
import type { Serde } from '../serdes/serde.js';
import type { TestRecord } from './test-record.js';

export type PipeRaw = (
  topic: string,
  key: Buffer | null,
  value: Buffer | null,
  timestampMs: number,
  record: TestRecord<unknown, unknown>,
) => void;

/**
 * Pipes records into a TopologyTestDriver's input topic. Without a timestamp a record gets the
 * topic's current time, which then moves on by `autoAdvanceMs`.
 */
export class TestInputTopic<K, V> {
  /** @internal */
  constructor(
    private readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly pipe: PipeRaw,
    private currentTimeMs: number,
    private readonly autoAdvanceMs: number,
  ) {}

  pipeInput(key: K | null, value: V | null, timestampMs?: number): void {
    this.pipeRecord({ key, value, timestampMs });
  }

  pipeKeyValueList(entries: readonly KeyValue<K | null, V | null>[]): void {
    for (const { key, value } of entries) this.pipeInput(key, value);
  }

  pipeValueList(values: readonly (V | null)[]): void {
    for (const value of values) this.pipeInput(null, value);
  }

  pipeRecordList(records: readonly TestRecord<K, V>[]): void {
    for (const record of records) this.pipeRecord(record);
  }

  advanceTime(ms: number): void {
    this.currentTimeMs += ms;
  }

  private pipeRecord(record: TestRecord<K, V>): void {
    let timestampMs = record.timestampMs;
    if (timestampMs === undefined) {
      timestampMs = this.currentTimeMs;
      this.currentTimeMs += this.autoAdvanceMs;
    }
    this.pipe(
      this.topic,
      this.keySerde.serialize(this.topic, record.key),
      this.valueSerde.serialize(this.topic, record.value),
      timestampMs,
      record as TestRecord<unknown, unknown>,
    );
  }
}
