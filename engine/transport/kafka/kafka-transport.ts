import { type Logger, RateLimitedLog } from '../../logger.js';
import { type ClientSettings, clientSettings } from '../client-settings.js';
import type {
  AdminPort,
  ConsumerConfig,
  ConsumerPort,
  ProducerConfig,
  ProducerPort,
  Transport,
} from '../ports.js';
import { KafkaAdmin } from './admin.js';
import { KafkaConsumerPort } from './kafka-consumer.js';
import { KafkaProducerPort } from './kafka-producer.js';

export interface KafkaTransportOptions {
  /** librdkafka settings from the config's `kafka` key. */
  readonly settings: ClientSettings;
  /** How long a flush may wait for the cluster before it fails (taskTimeoutMs). */
  readonly flushTimeoutMs: number;
  readonly logger: Logger;
}

/** The transport for Kafka bootstrap servers, on @confluentinc/kafka-javascript. */
export class KafkaTransport implements Transport {
  private readonly transientErrors: RateLimitedLog;

  constructor(
    private readonly bootstrapServers: string,
    private readonly options: KafkaTransportOptions,
  ) {
    this.transientErrors = new RateLimitedLog(options.logger, 10_000);
  }

  consumer(config: ConsumerConfig): ConsumerPort {
    return new KafkaConsumerPort(
      this.bootstrapServers,
      config,
      clientSettings(this.options.settings, 'consumer'),
      (err) =>
        this.transientErrors.warn(
          `consumer ${config.clientId}`,
          { err, client: config.clientId },
          'fetching failed for a transient reason; the client retries by itself',
        ),
    );
  }

  producer(config: ProducerConfig): ProducerPort {
    return new KafkaProducerPort(
      this.bootstrapServers,
      config,
      clientSettings(this.options.settings, 'producer'),
      this.options.flushTimeoutMs,
    );
  }

  admin(): AdminPort {
    return new KafkaAdmin(
      this.bootstrapServers,
      'rivulet-admin',
      clientSettings(this.options.settings, 'admin'),
    );
  }
}
