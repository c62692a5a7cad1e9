import { type Logger, RateLimitedLog } from '../../logger.js';
import { type ClientSettings, clientSettings } from '../client-settings.js';
import { KafkaAdmin } from '../kafka/admin.js';
import type {
  AdminPort,
  ConsumerConfig,
  ConsumerPort,
  ProducerConfig,
  ProducerPort,
  Transport,
} from '../ports.js';
import { BatchConsumerPort } from './batch-consumer.js';
import { BatchProducerPort } from './batch-producer.js';
import type { NativeAddon } from './native-addon.js';

export interface BatchTransportOptions {
  /** librdkafka settings from the config's `kafka` key. */
  readonly settings: ClientSettings;
  /** How long a flush may wait for the cluster before it fails (taskTimeoutMs). */
  readonly flushTimeoutMs: number;
  readonly logger: Logger;
}

/**
 * The transport for Kafka on the batch data plane (native/): consumer and producer on rivulet's
 * addon over librdkafka, the admin client (off the per-record path) on @confluentinc/kafka-javascript.
 */
export class BatchKafkaTransport implements Transport {
  private readonly transientErrors: RateLimitedLog;

  constructor(
    private readonly native: NativeAddon,
    private readonly bootstrapServers: string,
    private readonly options: BatchTransportOptions,
  ) {
    this.transientErrors = new RateLimitedLog(options.logger, 10_000);
  }

  consumer(config: ConsumerConfig): ConsumerPort {
    return new BatchConsumerPort(
      this.native,
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
    return new BatchProducerPort(
      this.native,
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
