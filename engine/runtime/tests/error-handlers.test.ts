import { describe, expect, it } from 'vitest';
import { type LoggedLine, recordingLogger } from '../../../test/recording-logger.js';
import { Consumed, Produced, Serdes, StreamsBuilder, TopologyTestDriver } from '../../index.js';
import { DLQ_HEADERS } from '../internals/record-error-handler.js';

const S = Serdes.String();
const B = Serdes.Bytes();
interface Order {
  qty: number;
}

function topology() {
  const builder = new StreamsBuilder();
  builder
    .stream<string, Order>('orders', Consumed.with(S, Serdes.Json<Order>()))
    .mapValues((o) => {
      if (o.qty < 0) throw new RangeError(`negative quantity ${o.qty}`);
      return o.qty;
    })
    .to('quantities', Produced.with(S, Serdes.Integer()));
  return builder.build();
}

function pipe(driver: TopologyTestDriver) {
  const input = driver.createInputTopic('orders', S, B);
  input.pipeInput('a', Buffer.from('{"qty":1}'));
  input.pipeInput('poison', Buffer.from('not json'));
  input.pipeInput('negative', Buffer.from('{"qty":-5}'));
  input.pipeInput('huge', Buffer.from('{"qty":1e12}')); // not a 32-bit integer: a production error
  input.pipeInput('b', Buffer.from('{"qty":2}'));
}

const header = (h: { key: string; value: Buffer }[] | undefined, key: string) =>
  h?.find((x) => x.key === key)?.value.toString();

describe('error handlers', () => {
  it('fail (default) stops on the first bad record, naming topic, partition and offset', () => {
    const driver = new TopologyTestDriver(topology(), {}, 0);
    const input = driver.createInputTopic('orders', S, B);
    input.pipeInput('a', Buffer.from('{"qty":1}'));
    expect(() => input.pipeInput('poison', Buffer.from('not json'))).toThrow(
      /deserialization error for the record at orders-0 offset 1: JSON deserializer on topic orders/,
    );
  });

  it('continue skips each bad record, counts it, and processes the rest', async () => {
    const driver = new TopologyTestDriver(
      topology(),
      {
        deserializationExceptionHandler: 'continue',
        processingExceptionHandler: 'continue',
        productionExceptionHandler: 'continue',
      },
      0,
    );
    pipe(driver);
    expect(driver.createOutputTopic('quantities', S, Serdes.Integer()).readValuesToList()).toEqual([1, 2]);
    const dropped = await driver.metrics().getSingleMetricAsString('rivulet_dropped_records_total');
    for (const kind of ['deserialization', 'processing', 'production'])
      expect(dropped).toMatch(new RegExp(`reason="${kind}-error"} 1`));
  });

  it('dlq writes the raw record with error headers to the dead-letter topic and carries on', () => {
    const driver = new TopologyTestDriver(
      topology(),
      {
        applicationId: 'shop',
        deserializationExceptionHandler: 'dlq',
        processingExceptionHandler: 'dlq',
        productionExceptionHandler: 'dlq',
      },
      0,
    );
    pipe(driver);
    expect(driver.createOutputTopic('quantities', S, Serdes.Integer()).readValuesToList()).toEqual([1, 2]);
    const dead = driver.createOutputTopic('shop-dlq', S, B).readRecordsToList();
    expect(dead.map((r) => r.key)).toEqual(['poison', 'negative', 'huge']);
    expect(dead[0]!.value?.toString()).toBe('not json');
    expect(header(dead[0]!.headers as never, DLQ_HEADERS.exception)).toBe('SerializationError');
    expect(header(dead[0]!.headers as never, DLQ_HEADERS.topic)).toBe('orders');
    expect(header(dead[0]!.headers as never, DLQ_HEADERS.partition)).toBe('0');
    expect(header(dead[0]!.headers as never, DLQ_HEADERS.offset)).toBe('1');
    expect(header(dead[0]!.headers as never, DLQ_HEADERS.taskId)).toBe('0_0');
    expect(header(dead[1]!.headers as never, DLQ_HEADERS.message)).toBe('negative quantity -5');
    expect(header(dead[2]!.headers as never, DLQ_HEADERS.message)).toMatch(
      /sink KSTREAM-SINK-\d+ to quantities: Integer serializer/,
    );
  });

  it('rejects an unknown handler name', () => {
    expect(
      () => new TopologyTestDriver(topology(), { processingExceptionHandler: 'ignore' as never }),
    ).toThrow(
      /config processingExceptionHandler: 'ignore' \(a string\) is not one of 'fail', 'continue', 'dlq'/,
    );
  });

  it('a negative timestamp fails the instance, naming the record (Kafka Streams FailOnInvalidTimestamp)', () => {
    const driver = new TopologyTestDriver(topology(), { processingExceptionHandler: 'continue' }, 0);
    const input = driver.createInputTopic('orders', S, B);
    input.pipeInput('a', Buffer.from('{"qty":1}'), 5);
    expect(() => input.pipeInput('old', Buffer.from('{"qty":2}'), -1)).toThrow(
      /the record at orders-0 offset 1 has an invalid \(negative\) timestamp -1/,
    );
  });

  it('logs a handler skip with the record, rate-limited per kind, and counts every one', async () => {
    const lines: LoggedLine[] = [];
    const logger = recordingLogger(lines);
    const driver = new TopologyTestDriver(
      topology(),
      { deserializationExceptionHandler: 'continue', logger },
      0,
    );
    const input = driver.createInputTopic('orders', S, B);
    for (let i = 0; i < 5; i++) input.pipeInput('poison', Buffer.from('not json'));
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/skipped the record at orders-0 offset 0 after a deserialization error/);
    expect(warnings[0]!.obj.record).toEqual({ topic: 'orders', partition: 0, offset: 0 });
    const dropped = await driver.metrics().getSingleMetricAsString('rivulet_dropped_records_total');
    expect(dropped).toMatch(/reason="deserialization-error"} 5/);
  });
});
