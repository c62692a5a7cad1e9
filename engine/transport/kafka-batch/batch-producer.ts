import { ClientFatalError, StreamsError, TaskMigratedError } from '../../errors.js';
import type { Headers } from '../../processor/record.js';
import type { ClientSettingValue } from '../client-settings.js';
import { flushWithin } from '../kafka/flush-within.js';
import { InFlight } from '../kafka/in-flight.js';
import { ERR, toStreamsError } from '../kafka/kafka-errors.js';
import { producerSettings } from '../kafka/librdkafka-config.js';
import type {
  DeliveryFailure,
  GroupMetadata,
  ProducerConfig,
  ProducerPort,
  TopicPartitionOffset,
} from '../ports.js';
import type { NativeAddon, NativeHandle } from './native-addon.js';
import { triples } from './native-addon.js';
import { settingsList } from './settings-list.js';

const MAX_BLOCK_MS = 60_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** How much longer than its own timeout a native call may take to answer before the producer is given up. */
const ANSWER_MARGIN_MS = 15_000;
/** librdkafka's "any partition": its partitioner picks one. */
const PARTITION_UNASSIGNED = -1;

/**
 * The producer port on the batch addon: one native call per record with the topic as a registered
 * id (no string crossing), delivery reports for failures only, collected natively and taken after a
 * flush; every call that waits on the cluster runs off the JavaScript thread. Settings and error
 * handling are those of kafka/kafka-producer.ts, which documents them.
 */
export class BatchProducerPort implements ProducerPort {
  private readonly handle: NativeHandle;
  private readonly ready: Promise<void>;
  private readonly partitionCounts = new Map<string, number>();
  private readonly topicIds = new Map<string, number>();
  private readonly inFlight: InFlight;
  private poller: NodeJS.Timeout | undefined;

  constructor(
    private readonly native: NativeAddon,
    bootstrapServers: string,
    private readonly config: ProducerConfig,
    settings: Readonly<Record<string, ClientSettingValue>>,
    private readonly flushTimeoutMs: number,
  ) {
    this.inFlight = new InFlight(`producer ${config.clientId}`);
    this.handle = native.create(
      'producer',
      settingsList(producerSettings(bootstrapServers, config, settings)),
    );
    this.ready = this.call(`connecting producer ${config.clientId}`, () =>
      this.native.metadata(this.handle, 30_000),
    ).then((counts) => {
      for (const [topic, partitions] of Object.entries(counts)) this.partitionCounts.set(topic, partitions);
      // Serves librdkafka's callbacks between flushes, as the per-message client's poll interval does.
      this.poller = setInterval(() => this.native.poll(this.handle), 100);
      this.poller.unref();
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
    if (this.inFlight.isClosed)
      throw new StreamsError(`sending to ${topic}: producer ${this.config.clientId} is closed`);
    let topicId = this.topicIds.get(topic);
    if (topicId === undefined) {
      topicId = this.native.topic(this.handle, topic);
      this.topicIds.set(topic, topicId);
    }
    const nativeHeaders = headers.length ? headers.flatMap((h) => [h.key, h.value]) : null;
    const target = partition ?? PARTITION_UNASSIGNED;
    let deadline = 0;
    for (;;) {
      const code = this.native.produce(this.handle, topicId, target, key, value, timestampMs, nativeHeaders);
      if (code === 0) return;
      this.throwIfFatal();
      const error = { code, message: this.native.errorMessage(code) };
      if (code === ERR.STATE && this.config.transactionalId)
        // The open transaction failed (a record of it was refused or timed out): it must be aborted.
        throw new TaskMigratedError(
          `sending to ${topic}: the transaction must be aborted: ${error.message}`,
          {
            cause: error,
          },
        );
      deadline ||= Date.now() + MAX_BLOCK_MS;
      if (code !== ERR.QUEUE_FULL || Date.now() > deadline)
        throw toStreamsError(`sending to ${topic}`, error, 'producer');
      // Back-pressure: librdkafka's own threads drain the queue while this thread waits (like max.block.ms).
      this.native.poll(this.handle);
      Atomics.wait(sleeper, 0, 0, 2);
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
      () => this.call('flushing the producer', () => this.native.flush(this.handle, 1_000), 1_000),
      () => this.throwIfFatal(),
    );
    return this.takeFailures();
  }

  async initTransactions(): Promise<void> {
    await this.ready;
    await this.call('initTransactions', () => this.native.initTransactions(this.handle, 30_000), 30_000);
  }

  async beginTransaction(): Promise<void> {
    try {
      this.native.beginTransaction(this.handle);
    } catch (err) {
      throw toStreamsError('beginTransaction', err as Error, 'producer');
    }
  }

  async sendOffsetsToTransaction(
    offsets: readonly TopicPartitionOffset[],
    group: GroupMetadata,
  ): Promise<void> {
    await this.call(
      'sendOffsetsToTransaction',
      () =>
        this.native.sendOffsets(this.handle, group.consumerHandle as NativeHandle, triples(offsets), 30_000),
      30_000,
    );
  }

  async commitTransaction(): Promise<void> {
    await this.call('commitTransaction', () => this.native.commitTransaction(this.handle, 30_000), 30_000);
  }

  /** Aborts, and forgets the delivery failures of the aborted records (librdkafka purges them). */
  async abortTransaction(): Promise<void> {
    try {
      await this.call('abortTransaction', () => this.native.abortTransaction(this.handle, 30_000), 30_000);
    } finally {
      this.takeFailures();
    }
  }

  /** Waits for the native calls under way (closing under them would free what they use), then closes. */
  async close(): Promise<void> {
    if (this.inFlight.isClosed) return;
    await this.ready.catch(() => {});
    await this.inFlight.close();
    clearInterval(this.poller);
    await this.native.close(this.handle);
  }

  /** A native call that must answer within its own timeout plus ANSWER_MARGIN_MS; its error classified. */
  private async call<T>(doing: string, fn: () => Promise<T>, timeoutMs = 0): Promise<T> {
    try {
      return await this.inFlight.run(fn, {
        doing,
        withinMs: timeoutMs + ANSWER_MARGIN_MS,
        client: 'producer',
      });
    } catch (err) {
      if (err instanceof StreamsError) throw err;
      this.throwIfFatal();
      throw toStreamsError(doing, err as Error, 'producer');
    }
  }

  private throwIfFatal(): void {
    const fatal = this.native.fatalError(this.handle);
    if (fatal)
      throw new ClientFatalError(
        'producer',
        `producer ${this.config.clientId}: fatal error: ${fatal.message}`,
        {
          cause: fatal,
        },
      );
  }

  /** The records the cluster refused since the last call (librdkafka reports them inside poll and flush). */
  private takeFailures(): DeliveryFailure[] {
    this.native.poll(this.handle);
    return this.native.takeFailures(this.handle).map((f) => ({
      topic: f.topic,
      partition: f.partition,
      timestampMs: f.timestampMs,
      error: toStreamsError(`delivering a record to ${f.topic}-${f.partition}`, f.error, 'producer'),
    }));
  }
}
