/** A Kafka record header. Keys may repeat, as in Kafka. */
export interface Header {
  readonly key: string;
  readonly value: Buffer;
}

export type Headers = readonly Header[];

const NO_HEADERS: Headers = Object.freeze([]) as Headers;

/**
 * The record a processor receives and forwards: immutable, with `with*` copies, as in Kafka Streams'
 * `org.apache.kafka.streams.processor.api.Record`.
 */
export class Record<K, V> {
  constructor(
    readonly key: K,
    readonly value: V,
    readonly timestampMs: number,
    readonly headers: Headers = NO_HEADERS,
  ) {}

  withKey<K2>(key: K2): Record<K2, V> {
    return new Record(key, this.value, this.timestampMs, this.headers);
  }

  withValue<V2>(value: V2): Record<K, V2> {
    return new Record(this.key, value, this.timestampMs, this.headers);
  }

  withTimestamp(timestampMs: number): Record<K, V> {
    return new Record(this.key, this.value, timestampMs, this.headers);
  }

  withHeaders(headers: Headers): Record<K, V> {
    return new Record(this.key, this.value, this.timestampMs, headers);
  }
}

/** A record whose key a processor cannot change (used by `processValues`), so no repartition is needed. */
export interface FixedKeyRecord<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestampMs: number;
  readonly headers: Headers;
  withValue<V2>(value: V2): FixedKeyRecord<K, V2>;
  withTimestamp(timestampMs: number): FixedKeyRecord<K, V>;
  withHeaders(headers: Headers): FixedKeyRecord<K, V>;
}
