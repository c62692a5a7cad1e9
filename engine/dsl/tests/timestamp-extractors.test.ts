// Timestamp extractors: the built-ins as Kafka Streams' FailOnInvalidTimestampTest,
// LogAndSkipOnInvalidTimestampTest and UsePartitionTimeOnInvalidTimestampTest check them, and
// event time from the payload through sources, windows and repartition topics.
import { describe, expect, it } from 'vitest';
import {
  Consumed,
  type ExtractorRecord,
  FailOnInvalidTimestamp,
  Grouped,
  LogAndSkipOnInvalidTimestamp,
  Produced,
  Serdes,
  StreamsBuilder,
  type TimestampExtractor,
  TimeWindows,
  TopologyTestDriver,
  UsePartitionTimeOnInvalidTimestamp,
  WallclockTimestampExtractor,
} from '../../index.js';

const S = Serdes.String();
const L = Serdes.Long();

const record = (timestampMs: number): ExtractorRecord => ({
  topic: 'anyTopic',
  partition: 0,
  offset: 0,
  key: null,
  value: null,
  timestampMs,
  headers: [],
});

describe('built-in timestamp extractors', () => {
  it('FailOnInvalidTimestamp: the record timestamp; a negative one fails naming the record and the fix', () => {
    const extractor: TimestampExtractor = new FailOnInvalidTimestamp();
    expect(extractor.extract(record(42), 0)).toBe(42);
    expect(() => extractor.extract(record(-1), 0)).toThrow(
      /anyTopic-0 offset 0 has an invalid \(negative\) timestamp -1.*another TimestampExtractor/,
    );
  });

  it('LogAndSkipOnInvalidTimestamp: the record timestamp, negative ones too (the task drops them)', () => {
    const extractor: TimestampExtractor = new LogAndSkipOnInvalidTimestamp();
    expect(extractor.extract(record(42), 0)).toBe(42);
    expect(extractor.extract(record(-1), 0)).toBe(-1);
  });

  it('UsePartitionTimeOnInvalidTimestamp: a negative timestamp becomes the partition time, which must be known', () => {
    const extractor = new UsePartitionTimeOnInvalidTimestamp();
    expect(extractor.extract(record(42), 10)).toBe(42);
    expect(extractor.extract(record(-1), 10)).toBe(10);
    expect(() => extractor.extract(record(-1), -1)).toThrow(/partition has no time yet/);
  });

  it('WallclockTimestampExtractor: the wall clock', () => {
    const before = Date.now();
    const extracted = new WallclockTimestampExtractor().extract();
    expect(extracted).toBeGreaterThanOrEqual(before);
    expect(extracted).toBeLessThanOrEqual(Date.now());
  });
});

interface Order {
  product: string;
  createdAt: number;
}
const orderSerde = Serdes.Json<Order>();
const createdAt: TimestampExtractor = {
  extract: (r) => (r.value as Order).createdAt,
};

describe('event time in a topology', () => {
  function perMinute(extractorInConsumed: boolean) {
    const builder = new StreamsBuilder();
    const consumed = Consumed.with(S, orderSerde);
    builder
      .stream<string, Order>(
        'orders',
        extractorInConsumed ? consumed.withTimestampExtractor(createdAt) : consumed,
      )
      .groupBy((_id, o) => o.product, Grouped.with(S, orderSerde)) // through a repartition topic
      .windowedBy(TimeWindows.ofSizeAndGrace(60_000, 60_000))
      .count()
      .toStream()
      .map((w, n) => ({ key: `${w.key}@${w.startMs}`, value: n }))
      .to('counts', Produced.with(S, L));
    return builder.build();
  }

  for (const where of ['Consumed.withTimestampExtractor', 'the defaultTimestampExtractor config'] as const) {
    it(`${where}: windows, stream time and outputs go by the payload's time, also after a repartition`, () => {
      const inConsumed = where === 'Consumed.withTimestampExtractor';
      const driver = new TopologyTestDriver(
        perMinute(inConsumed),
        inConsumed ? { cacheMaxBytes: 0 } : { cacheMaxBytes: 0, defaultTimestampExtractor: createdAt },
        0,
      );
      const orders = driver.createInputTopic('orders', S, orderSerde);
      // The records' own timestamps (1_000_000+) say nothing; createdAt does.
      orders.pipeInput('o1', { product: 'pen', createdAt: 5_000 }, 1_000_000);
      orders.pipeInput('o2', { product: 'pen', createdAt: 65_000 }, 1_000_001);
      orders.pipeInput('o3', { product: 'pen', createdAt: 10_000 }, 1_000_002);
      expect(
        driver
          .createOutputTopic('counts', S, L)
          .readRecordsToList()
          .map((r) => [r.key, r.value, r.timestampMs]),
      ).toEqual([
        ['pen@0', 1, 5_000],
        ['pen@60000', 1, 65_000],
        ['pen@0', 2, 10_000],
      ]);
      driver.close();
    });
  }

  it('a negative extracted timestamp drops the record (counted), the next one is processed', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>(
        'in',
        Consumed.with(S, S).withTimestampExtractor(new LogAndSkipOnInvalidTimestamp()),
      )
      .to('out', Produced.with(S, S));
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput('a', 'dropped', -5);
    input.pipeInput('b', 'kept', 7);
    expect(driver.createOutputTopic('out', S, S).readKeyValuesToList()).toEqual([
      { key: 'b', value: 'kept' },
    ]);
    driver.close();
  });

  it('by default a negative record timestamp fails with the record named', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in', Consumed.with(S, S)).to('out', Produced.with(S, S));
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    expect(() => driver.createInputTopic('in', S, S).pipeInput('a', 'x', -5)).toThrow(
      /in-0 offset 0 has an invalid \(negative\) timestamp -5/,
    );
    driver.close();
  });
});
