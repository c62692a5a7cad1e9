import type { KafkaConsumer, LibrdKafkaError, Metadata, Producer } from '@confluentinc/kafka-javascript';
import type { Headers } from '../../processor/record.js';
import { StreamsError } from '../../runtime/streams-error.js';
import type { GroupMetadata, ProducerConfig, ProducerPort, TopicPartitionOffset } from '../ports.js';
import { callback } from './kafka-errors.js';
import { loadNativeKafka } from './native-client.js';

const QUEUE_FULL = -184;
const FLUSH_DEADLINE_MS = 120_000;
const MAX_BLOCK_MS = 60_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * The producer port on librdkafka. No per-message delivery reports (they cost the event loop
 * more than the sends): `flush()` and `commitTransaction()` are the barriers. Outside transactions
 * `message.timeout.ms=0` retries forever, so no record is dropped silently; a flush that cannot
 * finish fails loudly instead. Partitioning is murmur2_random, as Java producers and Kafka Streams.
 */
export class KafkaProducerPort implements ProducerPort {
  private readonly producer: Producer;
  private readonly ready: Promise<void>;
  private readonly partitionCounts = new Map<string, number>();
  private fatal: Error | null = null;

  constructor(bootstrapServers: string, config: ProducerConfig) {
    const { Producer: NativeProducer } = loadNativeKafka();
    const transactional = config.transactionalId !== undefined;
    this.producer = new NativeProducer({
      'bootstrap.servers': bootstrapServers,
      'client.id': config.clientId,
      partitioner: 'murmur2_random',
      'enable.idempotence': true,
      'linger.ms': 5,
      'batch.num.messages': 10_000,
      'queue.buffering.max.messages': 1_000_000,
      'compression.type': 'lz4',
      dr_cb: false,
      ...(transactional
        ? {
            'transactional.id': config.transactionalId,
            'transaction.timeout.ms': 10_000,
            'message.timeout.ms': 10_000,
          }
        : { 'message.timeout.ms': 0 }),
    });
    this.producer.on('event.error', (err: LibrdKafkaError & { isFatal?: boolean }) => {
      if (err.isFatal)
        this.fatal = new StreamsError(`producer ${config.clientId}: fatal error ${err.message}`, {
          cause: err,
        });
    });
    this.ready = callback<Metadata>(`connecting producer ${config.clientId}`, (cb) =>
      this.producer.connect({}, cb),
    ).then((metadata) => {
      this.producer.setPollInterval(100);
      this.remember(metadata);
    });
  }

  connect(): Promise<void> {
    return this.ready;
  }

  send(
    topic: string,
    partition: number | undefined,
    key: Buffer | null,
    value: Buffer | null,
    headers: Headers,
    timestampMs: number,
  ): void {
    if (this.fatal) throw this.fatal;
    const nativeHeaders = headers.length ? headers.map((h) => ({ [h.key]: h.value })) : undefined;
    const deadline = Date.now() + MAX_BLOCK_MS;
    for (;;) {
      try {
        this.producer.produce(topic, partition ?? null, value, key, timestampMs, undefined, nativeHeaders);
        return;
      } catch (err) {
        if ((err as LibrdKafkaError).code !== QUEUE_FULL || Date.now() > deadline) {
          throw new StreamsError(`sending to ${topic}: ${(err as Error).message}`, { cause: err });
        }
        // Back-pressure: librdkafka's own threads drain the queue while this thread waits (like max.block.ms).
        this.producer.poll();
        Atomics.wait(sleeper, 0, 0, 2);
      }
    }
  }

  partitionsFor(topic: string): number {
    const count = this.partitionCounts.get(topic);
    if (count === undefined) {
      throw new StreamsError(
        `partition count of topic ${topic} is unknown to the producer; create the topic before starting`,
      );
    }
    return count;
  }

  async flush(): Promise<void> {
    await this.ready;
    const deadline = Date.now() + FLUSH_DEADLINE_MS;
    for (;;) {
      if (this.fatal) throw this.fatal;
      try {
        await callback('flushing the producer', (cb) => this.producer.flush(1_000, cb));
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
    }
  }

  async initTransactions(): Promise<void> {
    await this.ready;
    await callback('initTransactions', (cb) => this.producer.initTransactions(30_000, cb));
  }

  async beginTransaction(): Promise<void> {
    await callback('beginTransaction', (cb) => this.producer.beginTransaction(cb));
  }

  async sendOffsetsToTransaction(
    offsets: readonly TopicPartitionOffset[],
    group: GroupMetadata,
  ): Promise<void> {
    await callback('sendOffsetsToTransaction', (cb) =>
      this.producer.sendOffsetsToTransaction(
        offsets.map((o) => ({ ...o })),
        group.consumerHandle as KafkaConsumer,
        30_000,
        cb,
      ),
    );
  }

  async commitTransaction(): Promise<void> {
    await callback('commitTransaction', (cb) => this.producer.commitTransaction(30_000, cb));
  }

  async abortTransaction(): Promise<void> {
    await callback('abortTransaction', (cb) => this.producer.abortTransaction(30_000, cb));
  }

  async close(): Promise<void> {
    await this.ready.catch(() => {});
    await new Promise<void>((resolve) => this.producer.disconnect(() => resolve()));
  }

  private remember(metadata: Metadata): void {
    for (const t of metadata.topics) this.partitionCounts.set(t.name, t.partitions.length);
  }
}
