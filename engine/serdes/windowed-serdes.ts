import type { Windowed } from '../../state-stores/windowed.js';
import { type Serde, SerializationError } from './serde.js';

const TWO_32 = 4294967296;

/**
 * Serdes for windowed keys, byte-compatible with Kafka Streams' WindowedSerdes: the inner key
 * followed by the window start as a big-endian 64-bit number. The end is not written; the
 * deserializer adds the window size to the start.
 */
export const WindowedSerdes = {
  timeWindowedSerdeFrom<K>(inner: Serde<K>, windowSizeMs: number): Serde<Windowed<K>> {
    if (!(windowSizeMs > 0))
      throw new Error(`WindowedSerdes.timeWindowedSerdeFrom: windowSizeMs must be > 0, got ${windowSizeMs}`);
    return {
      serialize(topic, data) {
        if (data === null) return null;
        const key = inner.serialize(topic, data.key);
        if (key === null)
          throw new SerializationError(`windowed key on topic ${topic}: the inner key is null`);
        const out = Buffer.allocUnsafe(key.length + 8);
        key.copy(out, 0);
        const high = Math.floor(data.startMs / TWO_32);
        out.writeInt32BE(high, key.length);
        out.writeUInt32BE(data.startMs - high * TWO_32, key.length + 4);
        return out;
      },
      deserialize(topic, data) {
        if (data === null) return null;
        if (data.length < 8) {
          throw new SerializationError(
            `windowed key on topic ${topic}: expected at least 8 bytes (key ‖ window start), got ${data.length}`,
          );
        }
        const at = data.length - 8;
        const startMs = data.readInt32BE(at) * TWO_32 + data.readUInt32BE(at + 4);
        return {
          key: inner.deserialize(topic, data.subarray(0, at)) as K,
          startMs,
          endMs: startMs + windowSizeMs,
        };
      },
    };
  },
} as const;
