import { compositeKey, splitCompositeKey } from '../../state-stores/composite-key.js';
import type { Windowed } from '../../state-stores/windowed.js';
import { type Serde, SerializationError } from './serde.js';

/**
 * Serdes for windowed keys, byte-compatible with Kafka Streams' WindowedSerdes: the inner key
 * followed by the window start as a big-endian 64-bit number (the window store's own key layout).
 * The end is not written; the deserializer adds the window size to the start.
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
        return compositeKey(key, data.startMs);
      },
      deserialize(topic, data) {
        if (data === null) return null;
        if (data.length < 8) {
          throw new SerializationError(
            `windowed key on topic ${topic}: expected at least 8 bytes (key ‖ window start), got ${data.length}`,
          );
        }
        const { key, timestamps } = splitCompositeKey(data, 1);
        const startMs = timestamps[0]!;
        return { key: inner.deserialize(topic, key) as K, startMs, endMs: startMs + windowSizeMs };
      },
    };
  },

  /**
   * Session keys, byte-compatible with Kafka Streams' SessionWindowedSerde: the inner key, then the
   * session's end and start as big-endian 64-bit numbers (both inclusive).
   */
  sessionWindowedSerdeFrom<K>(inner: Serde<K>): Serde<Windowed<K>> {
    return {
      serialize(topic, data) {
        if (data === null) return null;
        const key = inner.serialize(topic, data.key);
        if (key === null)
          throw new SerializationError(`session key on topic ${topic}: the inner key is null`);
        return compositeKey(key, data.endMs, data.startMs);
      },
      deserialize(topic, data) {
        if (data === null) return null;
        if (data.length < 16) {
          throw new SerializationError(
            `session key on topic ${topic}: expected at least 16 bytes (key ‖ end ‖ start), got ${data.length}`,
          );
        }
        const { key, timestamps } = splitCompositeKey(data, 2);
        return { key: inner.deserialize(topic, key) as K, endMs: timestamps[0]!, startMs: timestamps[1]! };
      },
    };
  },
} as const;
