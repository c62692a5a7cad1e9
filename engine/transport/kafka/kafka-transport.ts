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

/** The transport for Kafka bootstrap servers, on @confluentinc/kafka-javascript. */
export class KafkaTransport implements Transport {
  constructor(private readonly bootstrapServers: string) {}

  consumer(config: ConsumerConfig): ConsumerPort {
    return new KafkaConsumerPort(this.bootstrapServers, config);
  }

  producer(config: ProducerConfig): ProducerPort {
    return new KafkaProducerPort(this.bootstrapServers, config);
  }

  admin(): AdminPort {
    return new KafkaAdmin(this.bootstrapServers);
  }
}
