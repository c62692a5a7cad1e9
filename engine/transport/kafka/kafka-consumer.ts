import type {
  KafkaConsumer,
  LibrdKafkaError,
  Message,
  TopicPartitionOffset as RdTopicPartition,
} from '@confluentinc/kafka-javascript';
import { ClientFatalError, RetriableError } from '../../errors.js';
import type { Header } from '../../processor/record.js';
import { tpKey } from '../../topic-partition.js';
import type { ClientSettingValue } from '../client-settings.js';
import type {
  ConsumerConfig,
  ConsumerPort,
  ConsumerRecord,
  GroupMetadata,
  RebalanceListener,
  TopicPartition,
  TopicPartitionOffset,
} from '../ports.js';
import { KafkaAdmin } from './admin.js';
import { EndOffsetsReader } from './end-offsets-reader.js';
import { InFlight } from './in-flight.js';
import { callback, partitionError } from './kafka-errors.js';
import { consumerSettings } from './librdkafka-config.js';
import { loadNativeKafka } from './native-client.js';
import { PartitionProgress } from './partition-progress.js';
import { applyRebalance, type RebalanceEvent } from './rebalance.js';

const ASSIGN_PARTITIONS = -175;
const REVOKE_PARTITIONS = -174;
const OFFSET_INVALID = -1001;

/**
 * The consumer port on librdkafka's callback API. The rebalance callback only queues the event;
 * `poll()` then runs the engine's listener (commit and close before giving partitions up, create
 * and restore after getting them) and only then calls unassign/assign, which librdkafka waits for.
 */
export class KafkaConsumerPort implements ConsumerPort {
  private readonly consumer: KafkaConsumer;
  private readonly ready: Promise<void>;
  private readonly events: RebalanceEvent[] = [];
  private readonly assigned = new Set<string>();
  private readonly progress = new PartitionProgress();
  private readonly endOffsetsReader: EndOffsetsReader;
  private listener: RebalanceListener | null = null;
  private closing = false;
  private readonly inFlight: InFlight;
  private fatalReason: string | null = null;

  /**
   * `onTransientError` hears of fetch errors that librdkafka recovers from by itself (a broker
   * down, a leader moving): `poll()` returns an empty batch for them and the engine polls on.
   */
  constructor(
    bootstrapServers: string,
    private readonly config: ConsumerConfig,
    settings: Readonly<Record<string, ClientSettingValue>>,
    private readonly onTransientError: (error: RetriableError) => void,
  ) {
    const { KafkaConsumer: Consumer } = loadNativeKafka();
    const grouped = config.groupId !== undefined;
    this.inFlight = new InFlight(`consumer ${config.clientId}`);
    this.endOffsetsReader = new EndOffsetsReader(
      () => new KafkaAdmin(bootstrapServers, `${config.clientId}-admin`, settings),
      config.isolationLevel === 'read_committed',
    );
    this.consumer = new Consumer(
      {
        ...consumerSettings(bootstrapServers, config, settings),
        ...(grouped
          ? {
              rebalance_cb: (err: LibrdKafkaError, partitions: RdTopicPartition[]) =>
                this.onRebalance(err, partitions),
            }
          : {}),
      },
      { 'auto.offset.reset': 'earliest' },
    );
    // librdkafka says why a client became unusable only in its error event; the consume error that
    // follows just says "Fatal error".
    this.consumer.on('event.error', (err: LibrdKafkaError & { isFatal?: boolean }) => {
      if (err.isFatal) this.fatalReason ??= err.message;
    });
    // A poll returns what is fetched as soon as the first record is there, as Kafka's poll does;
    // by default the binding waits the timeout again after every record, until the batch is full,
    // which held each record back by up to the poll timeout at every hop of a topology.
    (
      this.consumer as KafkaConsumer & { setDefaultIsTimeoutOnlyForFirstMessage(only: boolean): void }
    ).setDefaultIsTimeoutOnlyForFirstMessage(true);
    this.consumer.on('partition.eof', (eof: RdTopicPartition) =>
      this.progress.reachedEnd(tpKey(eof), eof.offset ?? 0),
    );
    this.ready = callback<unknown>(
      `connecting consumer ${config.clientId}`,
      (cb) => this.consumer.connect({}, cb),
      'consumer',
    ).then(() => {});
  }

  subscribe(topics: readonly string[], listener: RebalanceListener): void {
    this.listener = listener;
    void this.ready.then(() => this.consumer.subscribe([...topics]));
  }

  assign(partitions: readonly TopicPartitionOffset[]): void {
    for (const p of partitions) this.progress.restart(p, p.offset);
    void this.ready.then(() =>
      this.consumer.assign(
        partitions.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offset })),
      ),
    );
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<ConsumerRecord[]> {
    await this.ready;
    await this.runRebalanceEvents();
    this.consumer.setDefaultConsumeTimeout(timeoutMs);
    let messages: Message[];
    try {
      messages = await this.call<Message[]>('consuming', (cb) => this.consumer.consume(maxRecords, cb));
    } catch (err) {
      if (err instanceof ClientFatalError && this.fatalReason)
        throw new ClientFatalError('consumer', `${err.message}: ${this.fatalReason}`, { cause: err });
      if (!(err instanceof RetriableError)) throw err;
      this.onTransientError(err);
      messages = [];
    }
    await this.runRebalanceEvents();
    const records: ConsumerRecord[] = [];
    for (const m of messages) {
      // Records of partitions revoked while this batch was in flight go to their next owner instead.
      if (this.config.groupId && !this.assigned.has(tpKey(m))) continue;
      this.progress.fetched(tpKey(m), m.offset + 1);
      records.push(toRecord(m));
    }
    return records;
  }

  async seek(position: TopicPartitionOffset): Promise<void> {
    await this.ready;
    this.progress.restart(position);
    await this.call(`seeking ${position.topic}-${position.partition} to ${position.offset}`, (cb) =>
      this.consumer.seek(
        { topic: position.topic, partition: position.partition, offset: position.offset },
        10_000,
        cb,
      ),
    );
  }

  pause(partitions: readonly TopicPartition[]): void {
    if (this.closing) return;
    this.consumer.pause(partitions.map((p) => ({ topic: p.topic, partition: p.partition })));
  }

  resume(partitions: readonly TopicPartition[]): void {
    if (this.closing) return;
    this.consumer.resume(partitions.map((p) => ({ topic: p.topic, partition: p.partition })));
  }

  caughtUp(tp: TopicPartition): boolean {
    return this.progress.caughtUp(tp);
  }

  position(tp: TopicPartition): number {
    // Closing, the native consumer may be disconnected (it throws then): what it returned last.
    if (this.closing) return this.progress.position(tp, undefined);
    const [p] = this.consumer.position([{ topic: tp.topic, partition: tp.partition }]);
    return this.progress.position(
      tp,
      p?.offset !== undefined && p.offset !== OFFSET_INVALID ? p.offset : undefined,
    );
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    await this.ready;
    // commitCb: the asynchronous commit with a completion callback (missing from the package's typings).
    const consumer = this.consumer as KafkaConsumer & {
      commitCb(offsets: RdTopicPartition[], cb: (err: LibrdKafkaError | null) => void): void;
    };
    await this.call('committing offsets', (cb) =>
      consumer.commitCb(
        offsets.map((o) => ({ ...o })),
        cb,
      ),
    );
  }

  async committed(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    await this.ready;
    const result = await callback<(RdTopicPartition & { error?: LibrdKafkaError })[]>(
      'reading committed offsets',
      (cb) =>
        this.consumer.committed(
          partitions.map((p) => ({ topic: p.topic, partition: p.partition })),
          10_000,
          cb,
        ),
      'consumer',
    );
    return result.map((r) => {
      if (r.error) throw partitionError('reading committed offsets', r.topic, r.partition, r.error);
      return {
        topic: r.topic,
        partition: r.partition,
        // -1001 (OFFSET_INVALID) without an error: the group has committed nothing for it.
        offset: r.offset !== undefined && r.offset >= 0 ? r.offset : -1,
      };
    });
  }

  async endOffsets(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    await this.ready;
    return this.endOffsetsReader.read(partitions);
  }

  groupMetadata(): GroupMetadata {
    return {
      groupId: this.config.groupId ?? '',
      generationId: -1,
      memberId: '',
      consumerHandle: this.consumer,
    };
  }

  /** Waits for the native calls under way (disconnecting under them crashes the process), then disconnects. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.ready.catch(() => {});
    await this.inFlight.close();
    await this.endOffsetsReader.close();
    await new Promise<void>((resolve) => this.consumer.disconnect(() => resolve()));
  }

  private call<T = void>(
    doing: string,
    fn: (cb: (err: LibrdKafkaError | null | undefined, result?: T) => void) => void,
  ): Promise<T> {
    return this.inFlight.run(() => callback<T>(doing, fn, 'consumer'));
  }

  private onRebalance(err: LibrdKafkaError, partitions: RdTopicPartition[]): void {
    if (this.closing) {
      // Closing: the engine has committed and closed its tasks already.
      if (err.code === REVOKE_PARTITIONS) this.consumer.unassign();
      return;
    }
    const tps = partitions.map((p) => ({ topic: p.topic, partition: p.partition }));
    if (err.code === ASSIGN_PARTITIONS) this.events.push({ kind: 'assign', partitions: tps });
    else if (err.code === REVOKE_PARTITIONS) this.events.push({ kind: 'revoke', partitions: tps });
  }

  private async runRebalanceEvents(): Promise<void> {
    const assignment = {
      assign: (partitions: readonly TopicPartition[]) => this.consumer.assign([...partitions]),
      unassign: () => this.consumer.unassign(),
    };
    for (let event = this.events.shift(); event; event = this.events.shift())
      await applyRebalance(event, this.listener, assignment, this.assigned, this.progress);
  }
}

function toRecord(m: Message): ConsumerRecord {
  const headers: Header[] = [];
  for (const h of m.headers ?? []) {
    for (const [k, v] of Object.entries(h))
      headers.push({ key: k, value: Buffer.isBuffer(v) ? v : Buffer.from(String(v)) });
  }
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    key: m.key === undefined || m.key === null ? null : Buffer.isBuffer(m.key) ? m.key : Buffer.from(m.key),
    value: m.value ?? null,
    timestampMs: m.timestamp ?? 0,
    headers,
  };
}
