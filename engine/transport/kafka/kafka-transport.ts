import type { RetriableError } from '../../errors.js';
import { type Logger, RateLimitedLog } from '../../logger.js';
import { type ClientSettings, type ClientSettingValue, clientSettings } from '../client-settings.js';
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

type Settings = Readonly<Record<string, ClientSettingValue>>;

/** How a Kafka transport's consumers and producers cross into JavaScript (its data plane). */
export interface KafkaClients {
  consumer(
    bootstrapServers: string,
    config: ConsumerConfig,
    settings: Settings,
    onTransientError: (error: RetriableError) => void,
  ): ConsumerPort;
  producer(
    bootstrapServers: string,
    config: ProducerConfig,
    settings: Settings,
    flushTimeoutMs: number,
  ): ProducerPort;
}

/** The per-message data plane: @confluentinc/kafka-javascript, an object per record. */
export const PER_MESSAGE_CLIENTS: KafkaClients = {
  consumer: (servers, config, settings, onTransientError) =>
    new KafkaConsumerPort(servers, config, settings, onTransientError),
  producer: (servers, config, settings, flushTimeoutMs) =>
    new KafkaProducerPort(servers, config, settings, flushTimeoutMs),
};

/**
 * The transport for Kafka bootstrap servers: consumers and producers from `clients` (the data
 * plane), the admin client on @confluentinc/kafka-javascript for both.
 */
export class KafkaTransport implements Transport {
  private readonly transientErrors: RateLimitedLog;

  constructor(
    private readonly bootstrapServers: string,
    private readonly options: KafkaTransportOptions,
    private readonly clients: KafkaClients = PER_MESSAGE_CLIENTS,
  ) {
    this.transientErrors = new RateLimitedLog(options.logger, 10_000);
  }

  consumer(config: ConsumerConfig): ConsumerPort {
    return this.clients.consumer(
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
    return this.clients.producer(
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
