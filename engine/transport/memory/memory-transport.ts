import type {
  AdminPort,
  ConsumerConfig,
  ConsumerPort,
  NewTopic,
  ProducerConfig,
  ProducerPort,
  Transport,
} from '../ports.js';
import { MemoryCluster } from './memory-cluster.js';
import { MemoryConsumer } from './memory-consumer.js';
import { MemoryProducer } from './memory-producer.js';

/** The transport for `bootstrapServers: 'memory://NAME'`. */
export class MemoryTransport implements Transport {
  readonly cluster: MemoryCluster;

  constructor(name: string) {
    this.cluster = MemoryCluster.named(name);
  }

  consumer(config: ConsumerConfig): ConsumerPort {
    return new MemoryConsumer(this.cluster, config);
  }

  producer(config: ProducerConfig): ProducerPort {
    return new MemoryProducer(this.cluster, config);
  }

  admin(): AdminPort {
    const cluster = this.cluster;
    return {
      async describeTopics(names: readonly string[]) {
        const found = new Map<string, number>();
        for (const name of names) {
          const partitions = cluster.topics.get(name);
          if (partitions) found.set(name, partitions.length);
        }
        return found;
      },
      async createTopics(topics: readonly NewTopic[]) {
        for (const t of topics) cluster.createTopic(t.name, t.partitions, t.config);
      },
      async close() {},
    };
  }
}
