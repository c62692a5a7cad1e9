import { StreamsError } from '../errors.js';
import { defaultLogger, type Logger } from '../logger.js';
import type { Header } from '../processor/record.js';
import type { Serde } from '../serdes/serde.js';
import { type ClientSettings, checkClientSettings } from '../transport/client-settings.js';
import type { ProducerPort } from '../transport/ports.js';
import { type KafkaDataPlane, resolveDataPlane, transportFor } from './internals/transport-for.js';

export interface RecordProducerConfig<K, V> {
  /** Kafka's bootstrap servers, or `memory://NAME` for the embedded log. */
  readonly bootstrapServers: string;
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  readonly clientId?: string;
  /** librdkafka settings for Kafka (SASL, SSL, acks…), as the streams config's `kafka`. */
  readonly kafka?: ClientSettings;
  /** How long flush() waits for the acknowledgements (default 60 s). */
  readonly flushTimeoutMs?: number;
  readonly logger?: Logger;
  /** As the streams config's `kafkaDataPlane`. */
  readonly kafkaDataPlane?: KafkaDataPlane;
}

/**
 * Writes records to topics, on Kafka or on the embedded log alike: what an application's own code
 * (an HTTP handler taking orders, a load generator) uses to feed a topology. `send` queues; `flush`
 * resolves once every queued record is acknowledged and rejects naming each one that was refused.
 */
export class RecordProducer<K, V> {
  private constructor(
    private readonly producer: ProducerPort,
    private readonly config: RecordProducerConfig<K, V>,
  ) {}

  static async create<K, V>(config: RecordProducerConfig<K, V>): Promise<RecordProducer<K, V>> {
    const logger = config.logger ?? defaultLogger();
    const transport = transportFor(config.bootstrapServers, {
      settings: checkClientSettings(config.kafka),
      flushTimeoutMs: config.flushTimeoutMs ?? 60_000,
      logger,
      dataPlane: resolveDataPlane(config.kafkaDataPlane),
    });
    const producer = transport.producer({ clientId: config.clientId ?? 'rivulet-producer' });
    await producer.connect();
    return new RecordProducer(producer, config);
  }

  /** Queues a record; its partition is murmur2 of the serialized key, as Kafka's producer picks it. */
  send(
    topic: string,
    key: K | null,
    value: V | null,
    options: { readonly timestampMs?: number; readonly headers?: readonly Header[] } = {},
  ): void {
    this.producer.send(
      topic,
      undefined,
      this.config.keySerde.serialize(topic, key),
      this.config.valueSerde.serialize(topic, value),
      options.headers ?? [],
      options.timestampMs ?? Date.now(),
    );
  }

  /** Waits until every queued record is written; rejects naming the ones that were refused. */
  async flush(): Promise<void> {
    const failures = await this.producer.flush(this.config.flushTimeoutMs);
    if (failures.length === 0) return;
    const listed = failures
      .slice(0, 5)
      .map((f) => `${f.topic}-${f.partition}: ${f.error.message}`)
      .join('; ');
    throw new StreamsError(
      `${failures.length} record(s) were not written: ${listed}${failures.length > 5 ? '; …' : ''}`,
      { cause: failures[0]!.error },
    );
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}
