import type { KafkaConsumer, Message, Producer } from '@confluentinc/kafka-javascript';
import { EmbeddedLog } from 'rivulet';
import { KafkaAdmin } from '../../engine/transport/kafka/admin.js';
import { loadNativeKafka } from '../../engine/transport/kafka/native-client.js';

export interface RawRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly partition: number;
  readonly offset: number;
  readonly headers: Record<string, string>;
}

/** What a scenario needs from a cluster, so one test body runs on memory:// and on Kafka alike. */
export interface TestCluster {
  readonly bootstrapServers: string;
  createTopic(name: string, partitions: number): Promise<void>;
  /** Appends records (murmur2 on the key; a null value is a tombstone), acknowledged when this resolves. */
  produce(
    topic: string,
    records: readonly { key: Buffer; value: Buffer | null; timestampMs?: number }[],
  ): Promise<void>;
  /** Every committed record of the topic, read_committed, up to the current end offsets. */
  readAll(topic: string): Promise<RawRecord[]>;
  close(): Promise<void>;
}

export function memoryCluster(name: string): TestCluster {
  const log = EmbeddedLog.named(name);
  const bytes = {
    serialize: (_t: string, b: Buffer | null) => b,
    deserialize: (_t: string, b: Buffer | null) => b,
  };
  return {
    bootstrapServers: `memory://${name}`,
    async createTopic(topic, partitions) {
      log.createTopic(topic, partitions);
    },
    async produce(topic, records) {
      log.produce(topic, records, bytes, bytes);
    },
    async readAll(topic) {
      return log.read(topic, bytes, bytes).map((r) => ({
        key: r.key,
        value: r.value,
        partition: r.partition,
        offset: r.offset,
        headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value.toString()])),
      }));
    },
    async close() {
      EmbeddedLog.reset(name);
    },
  };
}

/** `replicationFactor` and `topicConfig` apply to the topics createTopic makes (a 3-broker cluster wants 3). */
export function kafkaCluster(
  bootstrapServers: string,
  options: { replicationFactor?: number; topicConfig?: Record<string, string> } = {},
): TestCluster {
  const admin = new KafkaAdmin(bootstrapServers);
  let producer: Promise<Producer> | null = null;
  const connectedProducer = () => {
    producer ??= new Promise((resolve, reject) => {
      const { Producer: NativeProducer } = loadNativeKafka();
      const p = new NativeProducer({
        'bootstrap.servers': bootstrapServers,
        partitioner: 'murmur2_random',
        'linger.ms': 5,
        // A retry after a lost acknowledgement (a broker bounce) must not write the record twice.
        'enable.idempotence': true,
        dr_cb: false,
      });
      p.connect({}, (err) => (err ? reject(err) : resolve(p)));
    });
    return producer;
  };
  return {
    bootstrapServers,
    async createTopic(topic, partitions) {
      await admin.createTopics([
        {
          name: topic,
          partitions,
          replicationFactor: options.replicationFactor ?? 1,
          config: options.topicConfig ?? {},
        },
      ]);
    },
    async produce(topic, records) {
      const p = await connectedProducer();
      for (const r of records) {
        for (;;) {
          try {
            p.produce(topic, null, r.value, r.key, r.timestampMs);
            break;
          } catch {
            await new Promise<void>((resolve) => p.flush(100, () => resolve()));
          }
        }
      }
      await new Promise<void>((resolve, reject) => p.flush(30_000, (err) => (err ? reject(err) : resolve())));
    },
    async readAll(topic) {
      const partitions = (await admin.describeTopics([topic])).get(topic) ?? 0;
      const tps = Array.from({ length: partitions }, (_, partition) => ({ topic, partition }));
      const ends = await admin.endOffsets(tps, true);
      // From the log's start: offset 0 may be gone (retention), and would reset to the end, reading nothing.
      const starts = await admin.beginningOffsets(tps);
      return readUntil(bootstrapServers, ends, starts);
    },
    async close() {
      const p = await producer;
      await new Promise<void>((resolve) => (p ? p.disconnect(() => resolve()) : resolve()));
      await admin.close();
    },
  };
}

async function readUntil(
  bootstrapServers: string,
  ends: readonly { topic: string; partition: number; offset: number }[],
  starts: readonly { partition: number; offset: number }[],
): Promise<RawRecord[]> {
  const { KafkaConsumer: Consumer } = loadNativeKafka();
  const consumer: KafkaConsumer = new Consumer(
    {
      'bootstrap.servers': bootstrapServers,
      'group.id': 'rivulet-test-reader',
      'isolation.level': 'read_committed',
      'enable.auto.commit': false,
      'enable.partition.eof': true,
    },
    {},
  );
  await new Promise<void>((resolve, reject) =>
    consumer.connect({}, (err) => (err ? reject(err) : resolve())),
  );
  const startOf = (partition: number) => starts.find((s) => s.partition === partition)?.offset ?? 0;
  const pending = new Set(ends.filter((e) => e.offset > startOf(e.partition)).map((e) => e.partition));
  consumer.on('partition.eof', (eof) => pending.delete(eof.partition));
  consumer.assign(
    ends.map((e) => ({ topic: e.topic, partition: e.partition, offset: startOf(e.partition) })),
  );
  consumer.setDefaultConsumeTimeout(100);
  const out: RawRecord[] = [];
  const deadline = Date.now() + 60_000;
  try {
    while (pending.size > 0 && Date.now() < deadline) {
      const batch = await new Promise<Message[]>((resolve, reject) =>
        consumer.consume(5_000, (err, m) => (err ? reject(err) : resolve(m))),
      );
      for (const m of batch) {
        const end = ends.find((e) => e.partition === m.partition)!.offset;
        if (m.offset < end) {
          const headers: Record<string, string> = {};
          for (const h of m.headers ?? []) for (const [k, v] of Object.entries(h)) headers[k] = String(v);
          out.push({
            key: (m.key as Buffer | null | undefined) ?? null,
            value: m.value ?? null,
            partition: m.partition,
            offset: m.offset,
            headers,
          });
        }
        if (m.offset >= end - 1) pending.delete(m.partition);
      }
    }
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
  if (pending.size > 0)
    throw new Error(
      `reading ${ends[0]?.topic}: partitions ${[...pending].join(', ')} did not reach their end offsets`,
    );
  return out;
}
