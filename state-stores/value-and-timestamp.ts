import type { Serde } from '../engine/serdes/serde.js';
import type { KeyValueStore, ReadOnlyKeyValueStore } from './key-value-store.js';

/** A value with the timestamp of the record that set it (Kafka Streams' ValueAndTimestamp). */
export interface ValueAndTimestamp<V> {
  readonly value: V;
  readonly timestampMs: number;
}

export type TimestampedKeyValueStore<K, V> = KeyValueStore<K, ValueAndTimestamp<V>>;
export type ReadOnlyTimestampedKeyValueStore<K, V> = ReadOnlyKeyValueStore<K, ValueAndTimestamp<V>>;

/** The length of the timestamp before a timestamped value's bytes. */
export const TIMESTAMP_BYTES = 8;

/** A changelog value with its record's timestamp, in the layout of a timestamped store's backend. */
export function withTimestampBytes(value: Buffer, timestampMs: number): Buffer {
  const out = Buffer.allocUnsafe(TIMESTAMP_BYTES + value.length);
  out.writeBigInt64BE(BigInt(timestampMs), 0);
  value.copy(out, TIMESTAMP_BYTES);
  return out;
}

/** The value of a timestamped store entry, or null (Kafka Streams' ValueAndTimestamp.getValueOrNull). */
export function valueOrNull<V>(entry: ValueAndTimestamp<V> | null): V | null {
  return entry === null ? null : entry.value;
}

/** 8 bytes of big-endian timestamp, then the inner serde's bytes (Kafka Streams' layout). */
export function valueAndTimestampSerde<V>(inner: Serde<V>): Serde<ValueAndTimestamp<V>> {
  return {
    serialize(topic, data) {
      if (data === null) return null;
      const value = inner.serialize(topic, data.value);
      return value === null ? null : withTimestampBytes(value, data.timestampMs);
    },
    deserialize(topic, data) {
      if (data === null) return null;
      const value = inner.deserialize(topic, data.subarray(TIMESTAMP_BYTES));
      return value === null ? null : { value, timestampMs: Number(data.readBigInt64BE(0)) };
    },
  };
}

/** Whether a store keeps ValueAndTimestamp values (the DSL's stores, and the timestamped builders'). */
export function isTimestamped(store: object): boolean {
  return (store as { readonly timestamped?: boolean }).timestamped === true;
}
