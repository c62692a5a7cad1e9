import { describe, expect, it } from 'vitest';
import {
  Consumed,
  Grouped,
  Materialized,
  type ProcessorContext,
  Produced,
  Serdes,
  type SessionStore,
  Stores,
  StreamsBuilder,
  type TimestampedKeyValueStore,
  TopologyTestDriver,
  type WindowStore,
} from '../index.js';

const S = Serdes.String();
const L = Serdes.Long();

describe('TopologyTestDriver store getters', () => {
  it('getWindowStore, getSessionStore and getTimestampedKeyValueStore give the stores processors wrote', () => {
    const builder = new StreamsBuilder();
    builder
      .addStateStore(
        Stores.windowStoreBuilder(
          'clicks-per-minute',
          { retentionMs: 3_600_000, windowSizeMs: 60_000 },
          S,
          L,
        ),
      )
      .addStateStore(Stores.sessionStoreBuilder('visits', 3_600_000, S, L))
      .addStateStore(Stores.timestampedKeyValueStoreBuilder('last-click', S, S));
    builder.stream<string, string>('clicks', Consumed.with(S, S)).process(
      {
        get() {
          let windows!: WindowStore<string, number>;
          let sessions!: SessionStore<string, number>;
          let last!: TimestampedKeyValueStore<string, string>;
          return {
            init(ctx: ProcessorContext<never, never>) {
              windows = ctx.getStateStore('clicks-per-minute');
              sessions = ctx.getStateStore('visits');
              last = ctx.getStateStore('last-click');
            },
            process(record) {
              const minute = record.timestampMs - (record.timestampMs % 60_000);
              windows.put(record.key, (windows.fetch(record.key, minute) ?? 0) + 1, minute);
              sessions.put({ key: record.key, startMs: record.timestampMs, endMs: record.timestampMs }, 1);
              last.put(record.key, { value: record.value, timestampMs: record.timestampMs });
            },
          };
        },
      },
      'clicks-per-minute',
      'visits',
      'last-click',
    );
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const input = driver.createInputTopic('clicks', S, S);
    input.pipeInput('ann', '/home', 1_000);
    input.pipeInput('ann', '/cart', 59_000);
    input.pipeInput('ann', '/pay', 61_000);
    expect([...driver.getWindowStore<string, number>('clicks-per-minute').fetch('ann', 0, 120_000)]).toEqual([
      { key: 0, value: 2 },
      { key: 60_000, value: 1 },
    ]);
    expect(
      [...driver.getSessionStore<string, number>('visits').fetch('ann')].map((s) => s.key.startMs),
    ).toEqual([1_000, 59_000, 61_000]);
    expect(driver.getTimestampedKeyValueStore<string, string>('last-click').get('ann')).toEqual({
      value: '/pay',
      timestampMs: 61_000,
    });
    expect(() => driver.getWindowStore('visits')).toThrow(/no window store named visits/);
    driver.close();
  });
});

describe("TopologyTestDriver commits after every record (as Kafka Streams' driver)", () => {
  it('flushes caches after each record fed back from a repartition topic: "a b a" counts a=1, b=1, a=2', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('lines', Consumed.with(S, S))
      .flatMapValues((line) => line.split(' '))
      .groupBy((_key, word) => word, Grouped.with(S, S))
      .count(Materialized.as<string, number>('counts').withCachingEnabled())
      .toStream()
      .to('counts', Produced.with(S, L));
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    try {
      driver.createInputTopic('lines', S, S).pipeInput('l1', 'a b a');
      expect(driver.createOutputTopic('counts', S, L).readKeyValuesToList()).toEqual([
        { key: 'a', value: 1 },
        { key: 'b', value: 1 },
        { key: 'a', value: 2 },
      ]);
    } finally {
      driver.close();
    }
  });
});

describe("TopologyTestDriver feeds its output back in (as Kafka Streams' driver)", () => {
  it('a record written to a topic the topology also reads is processed from it, and can be read as output too', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('requests', Consumed.with(S, S))
      .mapValues((v) => `${v}!`)
      .to('middle', Produced.with(S, S));
    builder
      .stream<string, string>('middle', Consumed.with(S, S))
      .mapValues((v) => v.toUpperCase())
      .to('answers', Produced.with(S, S));
    const driver = new TopologyTestDriver(builder.build());
    try {
      driver.createInputTopic('requests', S, S).pipeInput('k', 'hi');
      expect(driver.createOutputTopic('answers', S, S).readKeyValuesToList()).toEqual([
        { key: 'k', value: 'HI!' },
      ]);
      expect(driver.createOutputTopic('middle', S, S).readKeyValuesToList()).toEqual([
        { key: 'k', value: 'hi!' },
      ]);
    } finally {
      driver.close();
    }
  });
});
