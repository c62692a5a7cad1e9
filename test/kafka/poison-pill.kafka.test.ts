import { Consumed, type ErrorHandling, KafkaStreams, Produced, Serdes, StreamsBuilder } from 'rivulet';
import { expect, it } from 'vitest';
import { kafkaCluster } from '../scenarios/test-cluster.js';
import { describeKafka, kafkaBootstrap, uniqueName } from './broker-context.js';

const S = Serdes.String();

async function runWith(handler: ErrorHandling) {
  const cluster = kafkaCluster(kafkaBootstrap);
  const name = uniqueName(`poison-${handler}`);
  const [input, output] = [`${name}-in`, `${name}-out`];
  await cluster.createTopic(input, 1);
  await cluster.createTopic(output, 1);
  await cluster.produce(input, [
    { key: Buffer.from('a'), value: Buffer.from('{"n":1}') },
    { key: Buffer.from('pill'), value: Buffer.from('this is not JSON') },
    { key: Buffer.from('b'), value: Buffer.from('{"n":2}') },
  ]);
  const builder = new StreamsBuilder();
  builder
    .stream<string, { n: number }>(input, Consumed.with(S, Serdes.Json<{ n: number }>()))
    .mapValues((v) => String(v.n))
    .to(output, Produced.with(S, S));
  const streams = new KafkaStreams(builder.build(), {
    applicationId: name,
    bootstrapServers: kafkaBootstrap,
    deserializationExceptionHandler: handler,
    commitIntervalMs: 100,
  });
  return { cluster, streams, name, input, output };
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describeKafka('a poison pill (a non-JSON record in a JSON topic) on a real broker', () => {
  it('fail: the instance stops with an error naming topic, partition and offset', async () => {
    const { cluster, streams, input } = await runWith('fail');
    try {
      await streams.start();
      await expect(streams.waitForState('ERROR', 60_000)).resolves.toBeUndefined();
      expect(streams.error()?.message).toContain(
        `deserialization error for the record at ${input}-0 offset 1`,
      );
    } finally {
      await streams.close();
      await cluster.close();
    }
  });

  it('continue: skips the record, counts it, and carries on', async () => {
    const { cluster, streams, output } = await runWith('continue');
    try {
      await streams.start();
      await waitFor(async () => (await cluster.readAll(output)).length === 2);
      expect((await cluster.readAll(output)).map((r) => r.value?.toString())).toEqual(['1', '2']);
      const dropped = await streams.metrics().getSingleMetricAsString('rivulet_dropped_records_total');
      expect(dropped).toMatch(/reason="deserialization-error"} 1/);
    } finally {
      await streams.close();
      await cluster.close();
    }
  });

  it('dlq: writes the raw record with its error headers to the dead-letter topic and carries on', async () => {
    const { cluster, streams, name, input, output } = await runWith('dlq');
    try {
      await streams.start();
      await waitFor(async () => (await cluster.readAll(output)).length === 2).catch((e) => {
        throw new Error(`output: ${streams.state()} ${streams.error()?.message}`, { cause: e });
      });
      await waitFor(async () => (await cluster.readAll(`${name}-dlq`)).length === 1);
      const [dead] = await cluster.readAll(`${name}-dlq`);
      expect(dead!.key?.toString()).toBe('pill');
      expect(dead!.value?.toString()).toBe('this is not JSON');
      expect(dead!.headers).toMatchObject({
        '__streams.errors.exception': 'SerializationError',
        '__streams.errors.topic': input,
        '__streams.errors.partition': '0',
        '__streams.errors.offset': '1',
        '__streams.errors.task.id': '0_0',
      });
      expect(dead!.headers['__streams.errors.message']).toContain('JSON deserializer');
    } finally {
      await streams.close();
      await cluster.close();
    }
  });
});
