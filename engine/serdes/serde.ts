/**
 * Turns values of T into bytes and back. `null` always maps to `null` (a tombstone or an absent key),
 * as with Kafka's serializers. The topic is passed for serdes that depend on it (schema registries).
 */
export interface Serde<T> {
  serialize(topic: string, data: T | null): Buffer | null;
  deserialize(topic: string, data: Buffer | null): T | null;
}

/** Raised by a serde for input it cannot read; the runtime names topic, partition and offset. */
export class SerializationError extends Error {
  override name = 'SerializationError';
}
