import { randomBytes } from 'node:crypto';
import { Consumed, Grouped, KafkaStreams, Produced, Serdes, StreamsBuilder } from 'rivulet';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultLogger } from '../../engine/logger.js';
import { type KafkaDataPlane, transportFor } from '../../engine/runtime/internals/transport-for.js';
import { KafkaAdmin } from '../../engine/transport/kafka/admin.js';
import type { ConsumerRecord, Transport } from '../../engine/transport/ports.js';
import { kafkaCluster } from '../scenarios/test-cluster.js';
import { describeKafka, kafkaBootstrap, uniqueName } from './broker-context.js';

// Both Kafka data planes (the batch addon and the per-message client) carry the same records
// through the ports: keys, values, nulls, headers, timestamps, partitions, several topics in one
// poll; a poll returns at the first record rather than at its timeout; positions, caught-up, and
// committed offsets read back; a refused record is reported by flush, never lost silently; and an
// instance on each counts exactly once under exactly_once_v2 (the rest of the Kafka suite runs on the
// default, the batch plane).

const planes: KafkaDataPlane[] = ['batch', 'per-message'];

describeKafka.each(planes)('the %s Kafka data plane', (dataPlane) => {
  let admin: KafkaAdmin;
  let transport: Transport;
  beforeAll(() => {
    admin = new KafkaAdmin(kafkaBootstrap);
    transport = transportFor(kafkaBootstrap, {
      settings: { consumer: { 'fetch.wait.max.ms': 5000 } },
      flushTimeoutMs: 30_000,
      logger: defaultLogger(),
      dataPlane,
    });
  });
  afterAll(() => admin.close());

  it('carries keys, values, nulls, headers and timestamps of two topics exactly', async () => {
    const topics = [uniqueName('plane-a'), uniqueName('plane-b')];
    await admin.createTopics(
      topics.map((name) => ({ name, partitions: 2, replicationFactor: 1, config: {} })),
    );
    const producer = transport.producer({ clientId: uniqueName('plane-producer') });
    await producer.connect();
    expect(producer.partitionsFor(topics[0]!)).toBe(2);
    const sent = Array.from({ length: 500 }, (_, i) => ({
      topic: topics[i % 2]!,
      partition: i % 4 < 2 ? 0 : 1,
      key: i % 7 === 0 ? null : Buffer.from(`key-${i}`),
      value: i % 11 === 0 ? null : Buffer.from(`value-${i}-${'x'.repeat(i % 50)}`),
      headers:
        i % 5 === 0
          ? [
              { key: 'trace', value: Buffer.from(`t${i}`) },
              { key: 'trace', value: Buffer.from('again') },
              { key: 'empty', value: Buffer.alloc(0) },
            ]
          : [],
      timestampMs: 1_700_000_000_000 + i,
    }));
    for (const r of sent) producer.send(r.topic, r.partition, r.key, r.value, r.headers, r.timestampMs);
    expect(await producer.flush()).toEqual([]);
    await producer.close();

    const consumer = transport.consumer({
      clientId: uniqueName('plane-consumer'),
      isolationLevel: 'read_committed',
    });
    try {
      const partitions = topics.flatMap((topic) =>
        [0, 1].map((partition) => ({ topic, partition, offset: 0 })),
      );
      consumer.assign(partitions);
      const received: ConsumerRecord[] = [];
      const deadline = Date.now() + 30_000;
      while (received.length < sent.length && Date.now() < deadline)
        received.push(...(await consumer.poll(100, 500)));
      const byPlace = (r: { topic: string; partition: number; timestampMs: number }) =>
        `${r.topic}/${r.partition}/${String(r.timestampMs).padStart(16)}`;
      const comparable = (r: Omit<ConsumerRecord, 'offset'>) => ({
        topic: r.topic,
        partition: r.partition,
        key: r.key?.toString() ?? null,
        value: r.value?.toString() ?? null,
        headers: r.headers.map((h) => [h.key, h.value.toString()]),
        timestampMs: r.timestampMs,
      });
      expect(received.map(comparable).sort((a, b) => byPlace(a).localeCompare(byPlace(b)))).toEqual(
        sent.map(comparable).sort((a, b) => byPlace(a).localeCompare(byPlace(b))),
      );
      // Offsets count up from 0 in each partition, in the order the records were sent.
      for (const p of partitions) {
        const offsets = received
          .filter((r) => r.topic === p.topic && r.partition === p.partition)
          .map((r) => r.offset);
        expect(offsets).toEqual(offsets.map((_, i) => i));
        expect(consumer.position(p)).toBe(offsets.length);
      }
      // The partitions' ends are reported (partition EOF), so the consumer knows it is caught up.
      const caughtUpBy = Date.now() + 15_000;
      while (!partitions.every((p) => consumer.caughtUp(p)) && Date.now() < caughtUpBy)
        await consumer.poll(100, 200);
      expect(partitions.filter((p) => !consumer.caughtUp(p))).toEqual([]);
    } finally {
      await consumer.close();
    }
  });

  it('returns a poll at the first record, not at the timeout; commits read back; position() after close', async () => {
    const topic = uniqueName('plane-poll');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1, config: {} }]);
    const producer = transport.producer({ clientId: uniqueName('plane-producer') });
    await producer.connect();
    producer.send(topic, undefined, Buffer.from('k'), Buffer.from('v'), [], Date.now());
    expect(await producer.flush()).toEqual([]);
    await producer.close();

    // Group-less (assigned partitions); its offsets are committed under a group of its own.
    const consumer = transport.consumer({
      clientId: uniqueName('plane-consumer'),
      isolationLevel: 'read_uncommitted',
    });
    const tp = { topic, partition: 0 };
    try {
      consumer.assign([{ ...tp, offset: 0 }]);
      const started = Date.now();
      // The broker holds a fetch that finds nothing new for 5 s (fetch.wait.max.ms above): a poll
      // that waited for more records would take that long.
      const records = await consumer.poll(1_000, 20_000);
      expect(records.map((r) => r.value?.toString())).toEqual(['v']);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(consumer.position(tp)).toBe(1);
      expect(await consumer.committed([tp])).toEqual([{ ...tp, offset: -1 }]);
      await consumer.commit([{ ...tp, offset: 1 }]);
      expect(await consumer.committed([tp])).toEqual([{ ...tp, offset: 1 }]);
    } finally {
      await consumer.close();
    }
    expect(consumer.position(tp)).toBe(1);
  });

  it('reports a record the broker refuses from flush, naming topic and partition', async () => {
    const topic = uniqueName('plane-refused');
    await admin.createTopics([
      { name: topic, partitions: 1, replicationFactor: 1, config: { 'max.message.bytes': '1000' } },
    ]);
    const producer = transport.producer({ clientId: uniqueName('plane-producer') });
    await producer.connect();
    try {
      // Random bytes: compression must not shrink the record below the limit.
      producer.send(topic, 0, null, randomBytes(5_000), [], Date.now());
      const failures = await producer.flush();
      expect(failures.map((f) => [f.topic, f.partition])).toEqual([[topic, 0]]);
      expect(failures[0]!.error.message).toMatch(/too large/i);
      producer.send(topic, 0, null, Buffer.from('small'), [], Date.now());
      expect(await producer.flush()).toEqual([]);
    } finally {
      await producer.close();
    }
  });

  it('refuses a record larger than the producer allows at send or by flush, and sends the rest', async () => {
    const topic = uniqueName('plane-local-refusal');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1, config: {} }]);
    const small = transportFor(kafkaBootstrap, {
      settings: { producer: { 'message.max.bytes': 10_000 } },
      flushTimeoutMs: 30_000,
      logger: defaultLogger(),
      dataPlane,
    });
    const producer = small.producer({ clientId: uniqueName('plane-producer') });
    await producer.connect();
    try {
      producer.send(topic, 0, null, Buffer.from('before'), [], Date.now());
      // The per-message client refuses at send; the batch plane hands records over later, so its
      // flush reports the refusal. Either way the caller hears of it.
      let refusedAtSend: Error | null = null;
      try {
        producer.send(topic, 0, null, randomBytes(50_000), [], Date.now());
      } catch (err) {
        refusedAtSend = err as Error;
      }
      producer.send(topic, 0, null, Buffer.from('after'), [], Date.now());
      const failures = await producer.flush();
      const refusal = refusedAtSend ?? failures[0]?.error;
      expect(refusal?.message).toMatch(new RegExp(`sending to ${topic}: .*too large`, 'i'));
      expect(failures.length + (refusedAtSend ? 1 : 0)).toBe(1);
    } finally {
      await producer.close();
    }
    const consumer = transport.consumer({
      clientId: uniqueName('plane-consumer'),
      isolationLevel: 'read_committed',
    });
    try {
      consumer.assign([{ topic, partition: 0, offset: 0 }]);
      const values: string[] = [];
      const deadline = Date.now() + 15_000;
      while (values.length < 2 && Date.now() < deadline)
        values.push(...(await consumer.poll(10, 500)).map((r) => r.value!.toString()));
      expect(values).toEqual(['before', 'after']);
    } finally {
      await consumer.close();
    }
  });
});

describeKafka.each(planes)('an instance on the %s data plane', (dataPlane) => {
  it('counts 3000 records over 4 partitions exactly once (exactly_once_v2), with a repartition', async () => {
    const cluster = kafkaCluster(kafkaBootstrap);
    const name = uniqueName(`plane-count-${dataPlane}`);
    const [input, output] = [`${name}-in`, `${name}-out`];
    await cluster.createTopic(input, 4);
    await cluster.createTopic(output, 4);
    const words = Array.from({ length: 3000 }, (_, i) => `w${(i * 7) % 37}`);
    await cluster.produce(
      input,
      words.map((w, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(w) })),
    );
    const S = Serdes.String();
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>(input, Consumed.with(S, S))
      .groupBy((_k, word) => word, Grouped.with(S, S))
      .count()
      .toStream()
      .to(output, Produced.with(S, Serdes.Long()));
    const streams = new KafkaStreams(builder.build(), {
      applicationId: name,
      bootstrapServers: kafkaBootstrap,
      processingGuarantee: 'exactly_once_v2',
      kafkaDataPlane: dataPlane,
      stateDir: `/tmp/${name}`,
    });
    try {
      await streams.start();
      const expected = new Map<string, number>();
      for (const w of words) expected.set(w, (expected.get(w) ?? 0) + 1);
      const latest = async () => {
        const counts = new Map<string, number>();
        for (const r of await cluster.readAll(output))
          counts.set(r.key!.toString(), Number(r.value!.readBigInt64BE(0)));
        return counts;
      };
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && (await latest()).size < expected.size)
        await new Promise((r) => setTimeout(r, 300));
      await new Promise((r) => setTimeout(r, 500));
      expect(Object.fromEntries(await latest())).toEqual(Object.fromEntries(expected));
    } finally {
      await streams.close();
      await streams.cleanUp();
      await cluster.close();
    }
  });
});
