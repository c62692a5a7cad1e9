import type { KeyValue } from '../../../state-stores/key-value-store.js';
import type { Headers } from '../../processor/record.js';
import type { Serde } from '../../serdes/serde.js';
import type { ConsumerRecord } from '../ports.js';
import { MemoryCluster } from './memory-cluster.js';
import { MemoryProducer } from './memory-producer.js';

export interface EmbeddedRecord<K, V> {
  readonly key: K | null;
  readonly value: V | null;
  readonly partition: number;
  readonly offset: number;
  readonly timestampMs: number;
  readonly headers: Headers;
}

/**
 * The application's handle on the embedded log of `bootstrapServers: 'memory://NAME'`: create
 * topics, produce input, read output. Every KafkaStreams instance in this process that names the
 * same cluster shares it.
 */
export class EmbeddedLog {
  private readonly cluster: MemoryCluster;
  private readonly producer: MemoryProducer;

  private constructor(readonly name: string) {
    this.cluster = MemoryCluster.named(name);
    this.producer = new MemoryProducer(this.cluster, { clientId: `embedded-log-${name}` });
  }

  /** The log for `memory://NAME` (accepts the name or the whole URL). */
  static named(name: string): EmbeddedLog {
    return new EmbeddedLog(name.replace(/^memory:\/\//, ''));
  }

  /** Forgets the named log and all its topics, groups and offsets. */
  static reset(name: string): void {
    MemoryCluster.drop(name.replace(/^memory:\/\//, ''));
  }

  /** Creates a topic; of the topic configs, `max.message.bytes` is honoured, as a broker does. */
  createTopic(topic: string, partitions = 1, config: Readonly<Record<string, string>> = {}): this {
    this.cluster.createTopic(topic, partitions, config);
    return this;
  }

  topics(): string[] {
    return [...this.cluster.topics.keys()].sort();
  }

  partitionCount(topic: string): number {
    return this.cluster.partitions(topic).length;
  }

  /** Appends records; the partition comes from murmur2 of the serialized key, as Kafka's producer does. */
  produce<K, V>(
    topic: string,
    records: Iterable<KeyValue<K | null, V | null> & { timestampMs?: number }>,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): void {
    for (const r of records) {
      this.producer.send(
        topic,
        undefined,
        keySerde.serialize(topic, r.key),
        valueSerde.serialize(topic, r.value),
        [],
        r.timestampMs ?? Date.now(),
      );
    }
  }

  /** Every readable record of a topic, partition by partition; read_committed by default. */
  read<K, V>(
    topic: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    options: { readCommitted?: boolean } = {},
  ): EmbeddedRecord<K, V>[] {
    const raw: ConsumerRecord[] = [];
    for (const partition of this.cluster.partitions(topic)) {
      partition.read(0, Number.MAX_SAFE_INTEGER, options.readCommitted ?? true, raw);
    }
    return raw.map((r) => ({
      key: keySerde.deserialize(topic, r.key),
      value: valueSerde.deserialize(topic, r.value),
      partition: r.partition,
      offset: r.offset,
      timestampMs: r.timestampMs,
      headers: r.headers,
    }));
  }

  /** The offset a consumer group (an application's id) has committed for a partition: the next it reads. */
  committedOffset(groupId: string, topic: string, partition: number): number | undefined {
    return this.cluster.group(groupId).committed({ topic, partition });
  }

  /** The end offset of each partition (the next offset to be written). */
  endOffsets(topic: string): number[] {
    return this.cluster.partitions(topic).map((p) => p.endOffset());
  }
}
