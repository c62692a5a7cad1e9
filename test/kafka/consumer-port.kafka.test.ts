import { RecordProducer, Serdes } from 'rivulet';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KafkaAdmin } from '../../engine/transport/kafka/admin.js';
import { KafkaConsumerPort } from '../../engine/transport/kafka/kafka-consumer.js';
import { describeKafka, kafkaBootstrap, uniqueName } from './broker-context.js';

// The Kafka consumer port against a real broker: a poll returns as soon as a record is fetched
// (Kafka's poll; the binding's default waits the timeout again after every record until the batch
// is full), and its position stays readable once it is closed (restore progress and standby
// checks may still ask while an instance shuts down).

describeKafka('the Kafka consumer port', () => {
  let admin: KafkaAdmin;
  beforeAll(() => {
    admin = new KafkaAdmin(kafkaBootstrap);
  });
  afterAll(() => admin.close());

  it('returns a poll at the first record, not at the timeout; position() after close', async () => {
    const topic = uniqueName('consumer-port');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1, config: {} }]);
    const producer = await RecordProducer.create({
      bootstrapServers: kafkaBootstrap,
      keySerde: Serdes.String(),
      valueSerde: Serdes.String(),
    });
    producer.send(topic, 'k', 'v');
    await producer.flush();
    await producer.close();

    const port = new KafkaConsumerPort(
      kafkaBootstrap,
      { clientId: uniqueName('port'), isolationLevel: 'read_uncommitted' },
      // The broker holds a fetch that finds nothing new for 5 s: a poll that waited for more records
      // (or for the partition's end) would take that long.
      { 'fetch.wait.max.ms': '5000' },
      (err) => {
        throw err;
      },
    );
    try {
      port.assign([{ topic, partition: 0, offset: 0 }]);
      const started = Date.now();
      const records = await port.poll(1_000, 20_000);
      expect(records.map((r) => r.value?.toString())).toEqual(['v']);
      // One record of the thousand asked: the poll did not wait for more.
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(port.position({ topic, partition: 0 })).toBe(1);
    } finally {
      await port.close();
    }
    expect(port.position({ topic, partition: 0 })).toBe(1);
  });
});
