/**
 * Turns values of T into bytes and back. `null` always maps to `null` (a tombstone or an absent key),
 * as with Kafka's serializers. The topic is passed for serdes that depend on it (schema registries).
 */
export interface Serde<T> {
  serialize(topic: string, data: T | null): Buffer | null;
  deserialize(topic: string, data: Buffer | null): T | null;
  /**
   * Which of the built-in `Serdes` this is, so tools that read keys as text (the HTTP query
   * server) know how to parse them. A serde of your own leaves it out.
   */
  readonly kind?: SerdeKind;
  /**
   * Called by the engine at start, once per topic the serde reads or writes, before any record:
   * what a serde must fetch (a schema registry's ids) is fetched here, off the per-record path.
   */
  prepare?(topic: string, use: SerdeUse): Promise<void>;
}

/** Whether a serde is prepared to read a topic (a source) or to write it (a sink). */
export type SerdeUse = 'read' | 'write';

/** The built-in serdes, by their `Serdes` name. */
export type SerdeKind = 'String' | 'Long' | 'Integer' | 'Double' | 'Bytes' | 'Void' | 'Json';

/** Raised by a serde for input it cannot read; the runtime names topic, partition and offset. */
export class SerializationError extends Error {
  override name = 'SerializationError';
}
