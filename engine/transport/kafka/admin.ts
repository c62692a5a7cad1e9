import type { IAdminClient, LibrdKafkaError, TopicDescription } from '@confluentinc/kafka-javascript';
import { loadNativeKafka } from './native-client.js';

export interface NewTopicSpec {
  topic: string;
  partitions: number;
  /** -1 takes the broker's default.replication.factor. */
  replicationFactor?: number;
  config?: Record<string, string>;
}

/** Promise wrapper over librdkafka's callback AdminClient: the calls the engine needs. */
export class KafkaAdmin {
  private readonly client: IAdminClient;

  constructor(bootstrapServers: string, clientId = 'rivulet-admin') {
    const { AdminClient } = loadNativeKafka();
    this.client = AdminClient.create({ 'bootstrap.servers': bootstrapServers, 'client.id': clientId });
  }

  createTopic(spec: NewTopicSpec, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.createTopic(
        {
          topic: spec.topic,
          num_partitions: spec.partitions,
          replication_factor: spec.replicationFactor ?? -1,
          config: spec.config ?? {},
        },
        timeoutMs,
        (err) => (err ? reject(kafkaError(`creating topic ${spec.topic}`, err)) : resolve()),
      );
    });
  }

  describeTopics(topics: string[], timeoutMs = 30_000): Promise<TopicDescription[]> {
    return new Promise((resolve, reject) => {
      this.client.describeTopics(topics, { timeout: timeoutMs }, (err, result) =>
        err ? reject(kafkaError(`describing topics ${topics.join(', ')}`, err)) : resolve(result),
      );
    });
  }

  listTopics(timeoutMs = 30_000): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.client.listTopics({ timeout: timeoutMs }, (err, topics) =>
        err ? reject(kafkaError('listing topics', err)) : resolve(topics),
      );
    });
  }

  close(): void {
    this.client.disconnect();
  }
}

function kafkaError(doing: string, err: LibrdKafkaError): Error {
  return new Error(`Kafka admin: ${doing} failed: ${err.message} (code ${err.code})`, { cause: err });
}
