import type {
  DeliveryReport,
  KafkaConsumer,
  LibrdKafkaError,
  Metadata,
  Producer,
} from '@confluentinc/kafka-javascript';
import { ClientFatalError, StreamsError, TaskMigratedError } from '../../errors.js';
import type { Headers } from '../../processor/record.js';
import type { ClientSettingValue } from '../client-settings.js';
import type {
  DeliveryFailure,
  GroupMetadata,
  ProducerConfig,
  ProducerPort,
  TopicPartitionOffset,
} from '../ports.js';
import { flushWithin } from './flush-within.js';
import { InFlight } from './in-flight.js';
import { callback, ERR, toStreamsError } from './kafka-errors.js';
import { producerSettings } from './librdkafka-config.js';
import { loadNativeKafka } from './native-client.js';

const MAX_BLOCK_MS = 60_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** How much longer than its own timeout a native call may take to answer before the producer is given up. */
const ANSWER_MARGIN_MS = 15_000;

/**
 * The producer port on librdkafka. Delivery reports come for errors only
 * (`delivery.report.only.error`), so the fast path pays nothing for them; `flush()` waits until
 * every record is acknowledged or failed and returns the failures. Outside transactions
 * `message.timeout.ms=0` retries transient errors forever, so only refusals (a record too large,
 * a bad timestamp, a missing topic) fail; a flush that cannot finish within `flushTimeoutMs`
 * fails loudly. Partitioning is murmur2_random, as Java producers and Kafka Streams.
 */
export class KafkaProducerPort implements ProducerPort {
  private readonly producer: Producer;
  private readonly ready: Promise<void>;
  private readonly partitionCounts = new Map<string, number>();
  private failures: DeliveryFailure[] = [];
  private fatal: ClientFatalError | null = null;
  private readonly inFlight: InFlight;

  constructor(
    bootstrapServers: string,
    private readonly config: ProducerConfig,
    settings: Readonly<Record<string, ClientSettingValue>>,
    private readonly flushTimeoutMs: number,
  ) {
    const { Producer: NativeProducer } = loadNativeKafka();
    this.inFlight = new InFlight(`producer ${config.clientId}`);
    this.producer = new NativeProducer({
      ...producerSettings(bootstrapServers, config, settings),
      dr_cb: true,
    });
    this.producer.on('delivery-report', (err: LibrdKafkaError, report: DeliveryReport) => {
      if (!err) return;
      this.failures.push({
        topic: report.topic,
        partition: report.partition,
        timestampMs: report.timestamp ?? -1,
        error: toStreamsError(`delivering a record to ${report.topic}-${report.partition}`, err, 'producer'),
      });
    });
    this.producer.on('event.error', (err: LibrdKafkaError & { isFatal?: boolean }) => {
      if (err.isFatal && !this.fatal)
        this.fatal = new ClientFatalError(
          'producer',
          `producer ${config.clientId}: fatal error: ${err.message}`,
          {
            cause: err,
          },
        );
    });
    this.ready = callback<Metadata>(
      `connecting producer ${config.clientId}`,
      (cb) => this.producer.connect({}, cb),
      'producer',
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
    if (this.inFlight.isClosed)
      throw new StreamsError(`sending to ${topic}: producer ${this.config.clientId} is closed`);
    const nativeHeaders = headers.length ? headers.map((h) => ({ [h.key]: h.value })) : undefined;
    const deadline = Date.now() + MAX_BLOCK_MS;
    for (;;) {
      try {
        this.producer.produce(topic, partition ?? null, value, key, timestampMs, undefined, nativeHeaders);
        return;
      } catch (err) {
        const code = (err as LibrdKafkaError).code;
        if (code === ERR.STATE && this.config.transactionalId)
          // The open transaction failed (a record of it was refused or timed out): it must be aborted.
          throw new TaskMigratedError(
            `sending to ${topic}: the transaction must be aborted: ${(err as Error).message}`,
            {
              cause: err,
            },
          );
        if (code !== ERR.QUEUE_FULL || Date.now() > deadline) {
          // A fatal client error is not the record's fault: the runtime replaces the producer.
          throw toStreamsError(`sending to ${topic}`, err as LibrdKafkaError, 'producer');
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

  async flush(timeoutMs = this.flushTimeoutMs): Promise<readonly DeliveryFailure[]> {
    await this.ready;
    await flushWithin(
      timeoutMs,
      () => this.call('flushing the producer', (cb) => this.producer.flush(1_000, cb), 1_000),
      () => {
        if (this.fatal) throw this.fatal;
      },
    );
    await this.settleDeliveryReports();
    return this.takeFailures();
  }

  async initTransactions(): Promise<void> {
    await this.ready;
    await this.call('initTransactions', (cb) => this.producer.initTransactions(30_000, cb), 30_000);
  }

  async beginTransaction(): Promise<void> {
    await this.call('beginTransaction', (cb) => this.producer.beginTransaction(cb));
  }

  async sendOffsetsToTransaction(
    offsets: readonly TopicPartitionOffset[],
    group: GroupMetadata,
  ): Promise<void> {
    await this.call(
      'sendOffsetsToTransaction',
      (cb) =>
        this.producer.sendOffsetsToTransaction(
          offsets.map((o) => ({ ...o })),
          group.consumerHandle as KafkaConsumer,
          30_000,
          cb,
        ),
      30_000,
    );
  }

  async commitTransaction(): Promise<void> {
    await this.call('commitTransaction', (cb) => this.producer.commitTransaction(30_000, cb), 30_000);
  }

  /** Aborts, and forgets the delivery failures of the aborted records (librdkafka purges them). */
  async abortTransaction(): Promise<void> {
    try {
      await this.call('abortTransaction', (cb) => this.producer.abortTransaction(30_000, cb), 30_000);
    } finally {
      await this.settleDeliveryReports();
      this.takeFailures();
    }
  }

  /** Waits for the native calls under way (disconnecting under them crashes the process), then disconnects. */
  async close(): Promise<void> {
    if (this.inFlight.isClosed) return;
    await this.ready.catch(() => {});
    await this.inFlight.close();
    this.producer.setPollInterval(0);
    await new Promise<void>((resolve) => this.producer.disconnect(() => resolve()));
  }

  /** A native call that must answer within its own timeout plus ANSWER_MARGIN_MS. */
  private call<T = void>(
    doing: string,
    fn: (cb: (err: LibrdKafkaError | null | undefined, result?: T) => void) => void,
    timeoutMs = 0,
  ): Promise<T> {
    return this.inFlight.run(() => callback<T>(doing, fn, 'producer'), {
      doing,
      withinMs: timeoutMs + ANSWER_MARGIN_MS,
      client: 'producer',
    });
  }

  private takeFailures(): DeliveryFailure[] {
    const failures = this.failures;
    this.failures = [];
    return failures;
  }

  /**
   * librdkafka calls the delivery callbacks inside flush, but the binding hands them to JavaScript
   * through an async handle: one that may fire in the event-loop turn after the flush's own
   * completion. Two turns of the loop later every report of the flushed records is in.
   */
  private async settleDeliveryReports(): Promise<void> {
    this.producer.poll();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
  }

  private remember(metadata: Metadata): void {
    for (const t of metadata.topics) this.partitionCounts.set(t.name, t.partitions.length);
  }
}
