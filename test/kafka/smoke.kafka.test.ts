import type { KafkaConsumer, Message, Producer } from '@confluentinc/kafka-javascript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KafkaAdmin } from '../../engine/transport/kafka/admin.js';
import { loadNativeKafka } from '../../engine/transport/kafka/native-client.js';
import { describeKafka, kafkaBootstrap, uniqueName } from './broker-context.js';

const RECORDS = 10_000;
const PARTITIONS = 4;

describeKafka('smoke: transactional produce, read_committed group consume on a real broker', () => {
  let admin: KafkaAdmin;
  beforeAll(() => {
    admin = new KafkaAdmin(kafkaBootstrap);
  });
  afterAll(() => admin.close());

  it(`delivers ${RECORDS} transactional records exactly once and in order per partition, and hides an aborted transaction`, async () => {
    const topic = uniqueName('smoke');
    await admin.createTopics([{ name: topic, partitions: PARTITIONS, replicationFactor: 1, config: {} }]);
    expect((await admin.describeTopics([topic])).get(topic)).toBe(PARTITIONS);

    const producer = await connectedProducer(uniqueName('smoke-tx'));
    await call((cb) => producer.initTransactions(30_000, cb));

    // An aborted transaction first: read_committed must never show these.
    await call((cb) => producer.beginTransaction(cb));
    for (let i = 0; i < 100; i++) producer.produce(topic, null, Buffer.from(`aborted-${i}`), `key-${i % 50}`);
    await call((cb) => producer.abortTransaction(30_000, cb));

    // Then the real records, in a few transactions.
    for (let start = 0; start < RECORDS; start += 2_500) {
      await call((cb) => producer.beginTransaction(cb));
      for (let i = start; i < start + 2_500; i++) {
        producer.produce(topic, null, Buffer.from(String(i)), `key-${i % 50}`);
      }
      await call((cb) => producer.commitTransaction(30_000, cb));
    }
    await disconnect(producer);

    const received = await consumeAll(topic, uniqueName('smoke-group'), RECORDS);

    const seen = new Set<number>();
    const lastInPartition = new Map<number, number>();
    const partitionOfKey = new Map<string, number>();
    for (const message of received) {
      const value = message.value?.toString() ?? '';
      expect(value, 'a record of the aborted transaction was visible').toMatch(/^\d+$/);
      const n = Number(value);
      expect(seen.has(n), `record ${n} arrived twice`).toBe(false);
      seen.add(n);
      expect(n, `record ${n} out of order in partition ${message.partition}`).toBeGreaterThan(
        lastInPartition.get(message.partition) ?? -1,
      );
      lastInPartition.set(message.partition, n);
      const key = message.key?.toString() ?? '';
      expect(key).toBe(`key-${n % 50}`);
      expect(partitionOfKey.get(key) ?? message.partition, `key ${key} in two partitions`).toBe(
        message.partition,
      );
      partitionOfKey.set(key, message.partition);
    }
    expect(seen.size).toBe(RECORDS);
    expect(lastInPartition.size, 'keys spread over every partition').toBe(PARTITIONS);
  });
});

function call(fn: (cb: (err: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));
}

async function connectedProducer(transactionalId: string): Promise<Producer> {
  const { Producer } = loadNativeKafka();
  const producer = new Producer({
    'bootstrap.servers': kafkaBootstrap,
    'transactional.id': transactionalId,
    'enable.idempotence': true,
    partitioner: 'murmur2_random',
    'linger.ms': 5,
    dr_cb: false,
  });
  await call((cb) => producer.connect({}, cb));
  return producer;
}

function disconnect(client: Producer | KafkaConsumer): Promise<void> {
  return new Promise((resolve) => client.disconnect(() => resolve()));
}

async function consumeAll(topic: string, groupId: string, expected: number): Promise<Message[]> {
  const { KafkaConsumer } = loadNativeKafka();
  const consumer = new KafkaConsumer(
    {
      'bootstrap.servers': kafkaBootstrap,
      'group.id': groupId,
      'isolation.level': 'read_committed',
      'enable.auto.commit': false,
    },
    { 'auto.offset.reset': 'earliest' },
  );
  await call((cb) => consumer.connect({}, cb));
  consumer.subscribe([topic]);
  consumer.setDefaultConsumeTimeout(200);
  const received: Message[] = [];
  const deadline = Date.now() + 60_000;
  try {
    while (received.length < expected && Date.now() < deadline) {
      const batch = await new Promise<Message[]>((resolve, reject) =>
        consumer.consume(1_000, (err, messages) => (err ? reject(err) : resolve(messages))),
      );
      received.push(...batch);
    }
    // A short extra poll: anything beyond the expected count is a duplicate the test must see.
    const extra = await new Promise<Message[]>((resolve, reject) =>
      consumer.consume(1_000, (err, messages) => (err ? reject(err) : resolve(messages))),
    );
    received.push(...extra);
  } finally {
    await disconnect(consumer);
  }
  return received;
}
