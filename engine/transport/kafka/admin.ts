import type {
  IAdminClient,
  KafkaConsumer,
  LibrdKafkaError,
  TopicPartitionOffset as RdTopicPartition,
  TopicDescription,
} from '@confluentinc/kafka-javascript';
import { StreamsError } from '../../errors.js';
import type { ClientSettingValue } from '../client-settings.js';
import type { AdminPort, NewTopic, TopicPartition, TopicPartitionOffset } from '../ports.js';
import { InFlight } from './in-flight.js';
import { callback, ERR, partitionError, toStreamsError } from './kafka-errors.js';
import { loadNativeKafka } from './native-client.js';

const TIMEOUT_MS = 30_000;

/** The admin port on librdkafka's callback AdminClient, plus the calls tests and the consumer need. */
export class KafkaAdmin implements AdminPort {
  private readonly client: IAdminClient;
  private readonly inFlight: InFlight;

  /** The last error the client logged (e.g. a host that does not resolve), to explain a timeout. */
  private lastClientError: string | null = null;

  /** One non-joining consumer per group whose committed offsets were asked for. */
  private readonly offsetReaders = new Map<string, Promise<KafkaConsumer>>();

  constructor(
    private readonly bootstrapServers: string,
    private readonly clientId = 'rivulet-admin',
    private readonly settings: Readonly<Record<string, ClientSettingValue>> = {},
  ) {
    const { AdminClient } = loadNativeKafka();
    this.inFlight = new InFlight(`admin client ${clientId}`);
    this.client = AdminClient.create(
      { ...settings, 'bootstrap.servers': bootstrapServers, 'client.id': clientId },
      { 'event.error': (err: LibrdKafkaError) => (this.lastClientError = err.message) },
    );
  }

  async describeTopics(names: readonly string[]): Promise<Map<string, number>> {
    const existing = new Set(await this.listTopics());
    const wanted = names.filter((n) => existing.has(n));
    const counts = new Map<string, number>();
    if (wanted.length === 0) return counts;
    const descriptions = await this.call<TopicDescription[]>(`describing topics ${wanted.join(', ')}`, (cb) =>
      this.client.describeTopics(wanted, { timeout: TIMEOUT_MS }, cb),
    );
    for (const d of descriptions) {
      // Deleted between the listing and the description: missing. Any other error is an error.
      if (d.error?.code === ERR.UNKNOWN_TOPIC_OR_PART) continue;
      if (d.error) throw partitionError('describing topics', d.name, undefined, d.error);
      counts.set(d.name, d.partitions.length);
    }
    return counts;
  }

  /** Creates the topics and waits until the cluster describes them (metadata reaches every broker). */
  async createTopics(topics: readonly NewTopic[]): Promise<void> {
    for (const t of topics) {
      await this.inFlight.run(
        () =>
          new Promise<void>((resolve, reject) =>
            this.client.createTopic(
              {
                topic: t.name,
                num_partitions: t.partitions,
                replication_factor: t.replicationFactor,
                config: { ...t.config },
              },
              TIMEOUT_MS,
              (err) =>
                err && err.code !== ERR.TOPIC_ALREADY_EXISTS
                  ? reject(toStreamsError(`creating topic ${t.name}`, err))
                  : resolve(),
            ),
          ),
      );
    }
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const described = await this.describeTopics(topics.map((t) => t.name)).catch(
        () => new Map<string, number>(),
      );
      if (topics.every((t) => described.get(t.name) === t.partitions)) return;
      if (Date.now() > deadline)
        throw new StreamsError(
          `topics ${topics.map((t) => t.name).join(', ')} were created but do not show up`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Partitions, replicas and ISR of one topic. */
  async describeTopic(name: string): Promise<TopicDescription> {
    const [description] = await this.call<TopicDescription[]>(`describing topic ${name}`, (cb) =>
      this.client.describeTopics([name], { timeout: TIMEOUT_MS }, cb),
    );
    if (!description) throw new StreamsError(`describing topic ${name}: not found`);
    if (description.error) throw partitionError('describing topic', name, undefined, description.error);
    return description;
  }

  async listTopics(): Promise<string[]> {
    try {
      return await this.call<string[]>('listing topics', (cb) =>
        this.client.listTopics({ timeout: TIMEOUT_MS }, cb),
      );
    } catch (err) {
      // Usually the first call of a client: a timeout here means the servers cannot be reached.
      throw toStreamsError(
        `reaching the Kafka cluster at ${this.bootstrapServers} (bootstrapServers)${this.lastClientError ? `; the client said: ${this.lastClientError}` : ''}`,
        (err as Error).cause as LibrdKafkaError,
      );
    }
  }

  /** Latest offsets; under read_committed the last stable offset, as a restoring consumer needs. */
  async endOffsets(
    partitions: readonly TopicPartition[],
    readCommitted: boolean,
  ): Promise<TopicPartitionOffset[]> {
    return this.listOffsets(partitions, readCommitted, 'LATEST');
  }

  /** The first offsets still in the log (after retention or deleteRecords removed older ones). */
  beginningOffsets(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    return this.listOffsets(partitions, false, 'EARLIEST');
  }

  private async listOffsets(
    partitions: readonly TopicPartition[],
    readCommitted: boolean,
    spec: 'LATEST' | 'EARLIEST',
  ): Promise<TopicPartitionOffset[]> {
    if (partitions.length === 0) return [];
    const { OffsetSpec, IsolationLevel } = loadNativeKafka();
    const result = await this.call<
      { topic: string; partition: number; offset: number; error?: LibrdKafkaError }[]
    >(`listing ${spec === 'LATEST' ? 'end' : 'beginning'} offsets`, (cb) =>
      this.client.listOffsets(
        partitions.map((p) => ({ topic: p.topic, partition: p.partition, offset: OffsetSpec[spec] })),
        {
          timeout: TIMEOUT_MS,
          isolationLevel: readCommitted ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED,
        },
        cb,
      ),
    );
    return result.map((r) => {
      // A partition without a leader answers with an error and offset -1001: never a value.
      if (r.error || r.offset < 0)
        throw partitionError(
          `listing ${spec === 'LATEST' ? 'end' : 'beginning'} offsets`,
          r.topic,
          r.partition,
          r.error ?? { message: `no offset (${r.offset})`, code: -185 },
        );
      return { topic: r.topic, partition: r.partition, offset: r.offset };
    });
  }

  /**
   * The offsets a consumer group has committed (transaction-committed ones only); -1 when none.
   * Asked through a consumer of that group that never joins it, not through the admin API: the
   * binding's ListConsumerGroupOffsets dereferences a null partition list when the answer carries
   * a group error (e.g. the coordinator not available yet on a fresh broker) and the process dies
   * with SIGSEGV.
   */
  async committedOffsets(
    groupId: string,
    partitions: readonly TopicPartition[],
  ): Promise<TopicPartitionOffset[]> {
    const reader = await this.offsetReader(groupId);
    const doing = `fetching the committed offsets of group ${groupId}`;
    const result = await this.call<(RdTopicPartition & { error?: LibrdKafkaError })[]>(doing, (cb) =>
      reader.committed(
        partitions.map((p) => ({ topic: p.topic, partition: p.partition })),
        TIMEOUT_MS,
        cb,
      ),
    );
    return result.map((r) => {
      if (r.error) throw partitionError(doing, r.topic, r.partition, r.error);
      return {
        topic: r.topic,
        partition: r.partition,
        offset: r.offset !== undefined && r.offset >= 0 ? r.offset : -1,
      };
    });
  }

  private offsetReader(groupId: string): Promise<KafkaConsumer> {
    let reader = this.offsetReaders.get(groupId);
    if (!reader) {
      const { KafkaConsumer: Consumer } = loadNativeKafka();
      const consumer = new Consumer(
        {
          ...this.settings,
          'bootstrap.servers': this.bootstrapServers,
          'client.id': `${this.clientId}-offsets`,
          'group.id': groupId,
          'enable.auto.commit': false,
          // Offsets of open transactions are not "committed" yet (require_stable).
          'isolation.level': 'read_committed',
        },
        {},
      );
      reader = this.inFlight
        .run(() =>
          callback<unknown>(`connecting to read the offsets of ${groupId}`, (cb) => consumer.connect({}, cb)),
        )
        .then(() => consumer);
      this.offsetReaders.set(groupId, reader);
    }
    return reader;
  }

  /** Deletes topics; ones that do not exist are not an error. */
  async deleteTopics(names: readonly string[]): Promise<void> {
    const existing = new Set(await this.listTopics());
    for (const name of names.filter((n) => existing.has(n))) {
      await this.call<void>(`deleting topic ${name}`, (cb) => this.client.deleteTopic(name, TIMEOUT_MS, cb));
    }
  }

  /** Waits for the calls under way (disconnecting under them crashes the process), then disconnects. */
  async close(): Promise<void> {
    if (this.inFlight.isClosed) return;
    await this.inFlight.close();
    for (const reader of this.offsetReaders.values()) {
      const consumer = await reader.catch(() => null);
      if (consumer) await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
    }
    this.client.disconnect();
  }

  /** Every native call goes through here, so close() knows what is under way. */
  private call<T = void>(
    doing: string,
    fn: (cb: (err: LibrdKafkaError | null | undefined, result?: T) => void) => void,
  ): Promise<T> {
    return this.inFlight.run(() => callback<T>(doing, fn));
  }
}
