import type { Serde } from '../engine/serdes/serde.js';
import type { KeyValueStore, ReadOnlyKeyValueStore } from './key-value-store.js';

/** A value with the timestamp of the record that set it (Kafka Streams' ValueAndTimestamp). */
export interface ValueAndTimestamp<V> {
  readonly value: V;
  readonly timestampMs: number;
}

export type TimestampedKeyValueStore<K, V> = KeyValueStore<K, ValueAndTimestamp<V>>;
export type ReadOnlyTimestampedKeyValueStore<K, V> = ReadOnlyKeyValueStore<K, ValueAndTimestamp<V>>;

/** 8 bytes of big-endian timestamp, then the inner serde's bytes (Kafka Streams' layout). */
export function valueAndTimestampSerde<V>(inner: Serde<V>): Serde<ValueAndTimestamp<V>> {
  return {
    serialize(topic, data) {
      if (data === null) return null;
      const value = inner.serialize(topic, data.value);
      if (value === null) return null;
      const out = Buffer.allocUnsafe(8 + value.length);
      out.writeBigInt64BE(BigInt(data.timestampMs), 0);
      value.copy(out, 8);
      return out;
    },
    deserialize(topic, data) {
      if (data === null) return null;
      const value = inner.deserialize(topic, data.subarray(8));
      return value === null ? null : { value, timestampMs: Number(data.readBigInt64BE(0)) };
    },
  };
}
