import { ClientFatalError, RetriableError, type StreamsError } from '../../errors.js';
import type { Header, Headers } from '../../processor/record.js';
import { tpKey } from '../../topic-partition.js';
import type { ClientSettingValue } from '../client-settings.js';
import { EndOffsetsReader } from '../kafka/end-offsets-reader.js';
import { InFlight } from '../kafka/in-flight.js';
import { partitionError, toStreamsError } from '../kafka/kafka-errors.js';
import { consumerSettings } from '../kafka/librdkafka-config.js';
import { PartitionProgress } from '../kafka/partition-progress.js';
import { applyRebalance } from '../kafka/rebalance.js';
import type {
  ConsumerConfig,
  ConsumerPort,
  ConsumerRecord,
  GroupMetadata,
  RebalanceListener,
  TopicPartition,
  TopicPartitionOffset,
} from '../ports.js';
import { type NativeAddon, type NativeHandle, type NativePartition, triples } from './native-addon.js';
import { NativeOffsetsLister } from './native-offsets.js';
import { settingsList } from './settings-list.js';

const OFFSET_INVALID = -1001;
const NO_HEADERS: Headers = Object.freeze([]);

/**
 * The consumer port on the batch addon. A poll takes what librdkafka has queued in one native call
 * (one Buffer with every key and value, an index of offsets and lengths) and makes the records'
 * keys and values views into that Buffer; only when nothing is queued does it wait, off the
 * JavaScript thread. Rebalances run as on the per-message client: the native callback queues the
 * event, `poll()` runs the engine's listener and then assigns or unassigns, which librdkafka waits for.
 */
export class BatchConsumerPort implements ConsumerPort {
  private readonly handle: NativeHandle;
  private readonly assigned = new Set<string>();
  private readonly progress = new PartitionProgress();
  private readonly endOffsetsReader: EndOffsetsReader;
  private listener: RebalanceListener | null = null;
  private closing = false;
  private readonly inFlight: InFlight;

  /**
   * `onTransientError` hears of fetch errors that librdkafka recovers from by itself (a broker
   * down, a leader moving): `poll()` delivers what it has and the engine polls on.
   */
  constructor(
    private readonly native: NativeAddon,
    bootstrapServers: string,
    private readonly config: ConsumerConfig,
    settings: Readonly<Record<string, ClientSettingValue>>,
    private readonly onTransientError: (error: RetriableError) => void,
  ) {
    this.inFlight = new InFlight(`consumer ${config.clientId}`);
    this.endOffsetsReader = new EndOffsetsReader(
      () => new NativeOffsetsLister(native, bootstrapServers, config.clientId, settings),
      config.isolationLevel === 'read_committed',
    );
    this.handle = native.create(
      'consumer',
      settingsList({
        ...consumerSettings(bootstrapServers, config, settings),
        'auto.offset.reset': 'earliest',
      }),
    );
  }

  subscribe(topics: readonly string[], listener: RebalanceListener): void {
    this.listener = listener;
    this.native.subscribe(this.handle, [...topics]);
  }

  assign(partitions: readonly TopicPartitionOffset[]): void {
    for (const p of partitions) this.progress.restart(p, p.offset);
    this.native.assign(this.handle, triples(partitions));
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<ConsumerRecord[]> {
    await this.runRebalanceEvents();
    let batch = this.native.consume(this.handle, maxRecords);
    if (batch[3] === 0 && batch[5].length === 0 && batch[6] === null) {
      await this.inFlight.run(() => this.native.waitForRecords(this.handle, timeoutMs));
      await this.runRebalanceEvents();
      batch = this.native.consume(this.handle, maxRecords);
    }
    await this.runRebalanceEvents();
    const [data, index, meta, count, topics, eofs, error] = batch;
    for (let i = 0; i + 2 < eofs.length; i += 3)
      this.progress.reachedEnd(
        tpKey({ topic: eofs[i] as string, partition: eofs[i + 1] as number }),
        eofs[i + 2] as number,
      );
    if (error) this.fetchFailed(error);
    const records: ConsumerRecord[] = [];
    const grouped = this.config.groupId !== undefined;
    // Per run of records of one partition: whether it is still assigned, and where it got to.
    let runTopic = -1;
    let runPartition = -1;
    let runKey = '';
    let runAssigned = true;
    let runEnd = -1;
    for (let i = 0; i < count; i++) {
      const at = i * 8;
      const topicIndex = index[at]!;
      const partition = index[at + 1]!;
      if (topicIndex !== runTopic || partition !== runPartition) {
        if (runEnd >= 0) this.progress.fetched(runKey, runEnd);
        runTopic = topicIndex;
        runPartition = partition;
        runKey = tpKey({ topic: topics[topicIndex]!, partition });
        // Records of partitions revoked while this batch was fetched go to their next owner instead.
        runAssigned = !grouped || this.assigned.has(runKey);
        runEnd = -1;
      }
      if (!runAssigned) continue;
      const offset = meta[i * 2]!;
      runEnd = offset + 1;
      const keyLength = index[at + 3]!;
      const valueLength = index[at + 5]!;
      const headerCount = index[at + 7]!;
      records.push({
        topic: topics[topicIndex]!,
        partition,
        offset,
        key: keyLength < 0 ? null : data.subarray(index[at + 2]!, index[at + 2]! + keyLength),
        value: valueLength < 0 ? null : data.subarray(index[at + 4]!, index[at + 4]! + valueLength),
        timestampMs: meta[i * 2 + 1]!,
        headers: headerCount === 0 ? NO_HEADERS : readHeaders(data, index[at + 6]!, headerCount),
      });
    }
    if (runEnd >= 0) this.progress.fetched(runKey, runEnd);
    return records;
  }

  async seek(position: TopicPartitionOffset): Promise<void> {
    this.progress.restart(position);
    const doing = `seeking ${position.topic}-${position.partition} to ${position.offset}`;
    checkPartitions(
      doing,
      await this.call(doing, () => this.native.seek(this.handle, triples([position]), 10_000)),
    );
  }

  pause(partitions: readonly TopicPartition[]): void {
    if (this.closing) return;
    this.native.pauseOrResume(this.handle, triples(partitions), true);
  }

  resume(partitions: readonly TopicPartition[]): void {
    if (this.closing) return;
    this.native.pauseOrResume(this.handle, triples(partitions), false);
  }

  caughtUp(tp: TopicPartition): boolean {
    return this.progress.caughtUp(tp);
  }

  position(tp: TopicPartition): number {
    // Closing, the native consumer may be gone: what it returned last.
    if (this.closing) return this.progress.position(tp, undefined);
    const [p] = this.native.position(this.handle, triples([tp]));
    return this.progress.position(tp, p !== undefined && p.offset !== OFFSET_INVALID ? p.offset : undefined);
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    checkPartitions(
      'committing offsets',
      await this.call('committing offsets', () => this.native.commit(this.handle, triples(offsets))),
    );
  }

  async committed(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    const answer = await this.call('reading committed offsets', () =>
      this.native.committed(this.handle, triples(partitions), 10_000),
    );
    checkPartitions('reading committed offsets', answer);
    // A negative offset without an error: the group has committed nothing for it.
    return answer.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset >= 0 ? r.offset : -1,
    }));
  }

  endOffsets(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    return this.endOffsetsReader.read(partitions);
  }

  groupMetadata(): GroupMetadata {
    return {
      groupId: this.config.groupId ?? '',
      generationId: -1,
      memberId: '',
      consumerHandle: this.handle,
    };
  }

  /** Waits for the native calls under way (closing under them would free what they use), then leaves. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.inFlight.close();
    await this.endOffsetsReader.close();
    await this.native.close(this.handle);
  }

  private async call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.inFlight.run(fn);
    } catch (err) {
      throw this.classify(doing, err as Error);
    }
  }

  private classify(doing: string, err: Error): StreamsError {
    const error = toStreamsError(doing, err, 'consumer');
    const fatal = this.native.fatalError(this.handle);
    if (error instanceof ClientFatalError && fatal)
      return new ClientFatalError('consumer', `${error.message}: ${fatal.message}`, { cause: err });
    return error;
  }

  /** A fetch error: transient ones librdkafka recovers from by itself; any other stops the consumer. */
  private fetchFailed(err: Error): void {
    const error = this.classify('consuming', err);
    if (!(error instanceof RetriableError)) throw error;
    this.onTransientError(error);
  }

  private async runRebalanceEvents(): Promise<void> {
    const assignment = {
      assign: (partitions: readonly TopicPartition[]) => this.native.assign(this.handle, triples(partitions)),
      unassign: () => this.native.assign(this.handle, null),
    };
    for (let events = this.native.takeEvents(this.handle); events.length > 0; ) {
      for (const { kind, partitions } of events) {
        const event = {
          kind,
          partitions: partitions.map((p) => ({ topic: p.topic, partition: p.partition })),
        };
        await applyRebalance(event, this.listener, assignment, this.assigned, this.progress);
      }
      events = this.native.takeEvents(this.handle);
    }
  }
}

/** Every per-partition error in an answer is an error, never a value. */
function checkPartitions(doing: string, answer: readonly NativePartition[]): void {
  for (const p of answer) if (p.error) throw partitionError(doing, p.topic, p.partition, p.error);
}

/** Headers as consumer.c writes them: [u32 name length][name][i32 value length, -1 = null][value]. */
function readHeaders(data: Buffer, at: number, count: number): Header[] {
  const headers: Header[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = data.readUInt32LE(at);
    const key = data.toString('utf8', at + 4, at + 4 + nameLength);
    at += 4 + nameLength;
    const valueLength = data.readInt32LE(at);
    at += 4;
    headers.push({ key, value: valueLength < 0 ? Buffer.alloc(0) : data.subarray(at, at + valueLength) });
    if (valueLength > 0) at += valueLength;
  }
  return headers;
}
