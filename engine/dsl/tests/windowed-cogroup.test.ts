import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BufferConfig,
  Consumed,
  Grouped,
  type KTable,
  Materialized,
  Named,
  Produced,
  Serdes,
  SessionWindows,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  TopologyTestDriver,
  type Windowed,
} from '../../index.js';

// Ports of Kafka Streams' TimeWindowedCogroupedKStreamImplTest and
// SessionWindowedCogroupedKStreamImplTest: stream 1 adds ("+"), stream 2 removes ("-"), initial "0".

const S = Serdes.String();
const adder = (_k: string, v: string, agg: string) => `${agg}+${v}`;
const remover = (_k: string, v: string, agg: string) => `${agg}-${v}`;

function setUp() {
  const builder = new StreamsBuilder();
  const grouped1 = builder
    .stream<string, string>('topic', Consumed.with(S, S))
    .groupByKey(Grouped.with(S, S));
  const grouped2 = builder
    .stream<string, string>('topic2', Consumed.with(S, S))
    .groupByKey(Grouped.with(S, S));
  return { builder, grouped1, grouped2, cogrouped: grouped1.cogroup(adder).cogroup(grouped2, remover) };
}

function drive(builder: StreamsBuilder, table: KTable<Windowed<string>, string>) {
  table
    .toStream()
    .map((w, v) => ({ key: w.key, value: v }))
    .to('output');
  const driver = new TopologyTestDriver(builder.build(), { defaultKeySerde: S, defaultValueSerde: S }, 0);
  return {
    t1: driver.createInputTopic('topic', S, S),
    t2: driver.createInputTopic('topic2', S, S),
    read: () =>
      driver
        .createOutputTopic('output', S, S)
        .readRecordsToList()
        .map((r) => [r.key, r.value, r.timestampMs]),
    driver,
  };
}

describe('windowed cogroup (TimeWindowedCogroupedKStreamImplTest)', () => {
  it('namedParamShouldSetName', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('topic', Consumed.with(S, S))
      .groupByKey(Grouped.with(S, S))
      .cogroup(adder)
      .windowedBy(TimeWindows.ofSizeWithNoGrace(500))
      .aggregate(() => '0', undefined, Named.as('foo'));
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [topic])\n' +
        '      --> foo-cogroup-agg-0\n' +
        '    Processor: foo-cogroup-agg-0 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000001])\n' +
        '      --> foo-cogroup-merge\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n' +
        '    Processor: foo-cogroup-merge (stores: [])\n' +
        '      --> none\n' +
        '      <-- foo-cogroup-agg-0\n\n',
    );
  });

  it('timeWindowMixAggregatorsTest', () => {
    const { builder, cogrouped } = setUp();
    const t = drive(
      builder,
      cogrouped.windowedBy(TimeWindows.ofSizeWithNoGrace(500)).aggregate(() => '0', Materialized.with(S, S)),
    );
    t.t1.pipeInput('k1', 'A', 0);
    t.t1.pipeInput('k2', 'A', 0);
    t.t1.pipeInput('k2', 'A', 1);
    t.t1.pipeInput('k1', 'A', 2);
    t.t2.pipeInput('k1', 'B', 3);
    t.t2.pipeInput('k2', 'B', 3);
    t.t2.pipeInput('k2', 'B', 4);
    t.t2.pipeInput('k1', 'B', 4);
    expect(t.read()).toEqual([
      ['k1', '0+A', 0],
      ['k2', '0+A', 0],
      ['k2', '0+A+A', 1],
      ['k1', '0+A+A', 2],
      ['k1', '0+A+A-B', 3],
      ['k2', '0+A+A-B', 3],
      ['k2', '0+A+A-B-B', 4],
      ['k1', '0+A+A-B-B', 4],
    ]);
    t.driver.close();
  });

  it('timeWindowAggregateOverlappingWindowsTest', () => {
    const { builder, grouped1 } = setUp();
    const t = drive(
      builder,
      grouped1
        .cogroup(adder)
        .windowedBy(TimeWindows.ofSizeWithNoGrace(500).advanceBy(200))
        .aggregate(() => '0', Materialized.with(S, S)),
    );
    t.t1.pipeInput('k1', 'A', 0);
    t.t1.pipeInput('k2', 'A', 0);
    t.t1.pipeInput('k1', 'B', 250);
    t.t1.pipeInput('k2', 'B', 250);
    t.t1.pipeInput('k2', 'A', 500);
    t.t1.pipeInput('k1', 'A', 500);
    expect(t.read()).toEqual([
      ['k1', '0+A', 0],
      ['k2', '0+A', 0],
      ['k1', '0+A+B', 250],
      ['k1', '0+B', 250],
      ['k2', '0+A+B', 250],
      ['k2', '0+B', 250],
      ['k2', '0+B+A', 500],
      ['k2', '0+A', 500],
      ['k1', '0+B+A', 500],
      ['k1', '0+A', 500],
    ]);
    t.driver.close();
  });

  it('timeWindowMixAggregatorsManyWindowsTest', () => {
    const { builder, cogrouped } = setUp();
    const t = drive(
      builder,
      cogrouped.windowedBy(TimeWindows.ofSizeWithNoGrace(500)).aggregate(() => '0', Materialized.with(S, S)),
    );
    t.t1.pipeInput('k1', 'A', 0);
    t.t1.pipeInput('k2', 'A', 0);
    t.t1.pipeInput('k2', 'A', 1);
    t.t1.pipeInput('k1', 'A', 2);
    t.t2.pipeInput('k1', 'B', 3);
    t.t2.pipeInput('k2', 'B', 3);
    t.t2.pipeInput('k2', 'B', 501);
    t.t2.pipeInput('k1', 'B', 501);
    expect(t.read()).toEqual([
      ['k1', '0+A', 0],
      ['k2', '0+A', 0],
      ['k2', '0+A+A', 1],
      ['k1', '0+A+A', 2],
      ['k1', '0+A+A-B', 3],
      ['k2', '0+A+A-B', 3],
      ['k2', '0-B', 501],
      ['k1', '0-B', 501],
    ]);
    t.driver.close();
  });

  it('a windowed cogroup can be suppressed until its windows close', () => {
    const { builder, cogrouped } = setUp();
    const t = drive(
      builder,
      cogrouped
        .windowedBy(TimeWindows.ofSizeWithNoGrace(500))
        .aggregate(() => '0', Materialized.with(S, S))
        .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())),
    );
    t.t1.pipeInput('k1', 'A', 0);
    t.t2.pipeInput('k1', 'B', 3);
    expect(t.read()).toEqual([]);
    t.t1.pipeInput('k2', 'A', 600);
    expect(t.read()).toEqual([['k1', '0+A-B', 3]]);
    t.driver.close();
  });
});

describe('session-windowed cogroup (SessionWindowedCogroupedKStreamImplTest)', () => {
  it('sessionWindowMixAggregatorsTest', () => {
    const { builder, cogrouped } = setUp();
    const t = drive(
      builder,
      cogrouped.windowedBy(SessionWindows.ofInactivityGapAndGrace(100, 86_400_000)).aggregate(
        () => '0',
        (_k, one, two) => `${one}+${two}`,
        Materialized.with(S, S),
      ),
    );
    t.t1.pipeInput('k1', 'A', 0);
    t.t1.pipeInput('k2', 'A', 0);
    t.t1.pipeInput('k2', 'A', 1);
    t.t1.pipeInput('k1', 'A', 2);
    t.t2.pipeInput('k1', 'B', 3);
    t.t2.pipeInput('k2', 'B', 3);
    t.t2.pipeInput('k2', 'B', 444);
    t.t2.pipeInput('k1', 'B', 444);
    expect(t.read()).toEqual([
      ['k1', '0+A', 0],
      ['k2', '0+A', 0],
      ['k2', null, 0],
      ['k2', '0+0+A+A', 1],
      ['k1', null, 0],
      ['k1', '0+0+A+A', 2],
      ['k1', null, 2],
      ['k1', '0+0+0+A+A-B', 3],
      ['k2', null, 1],
      ['k2', '0+0+0+A+A-B', 3],
      ['k2', '0-B', 444],
      ['k1', '0-B', 444],
    ]);
    t.driver.close();
  });
});

// The model: one aggregate per key (and window), every record of either stream applied in the
// order the records are processed, each with its own stream's aggregator.
describe('cogroup against a model (fast-check)', () => {
  for (const windowed of [false, true]) {
    it(`${windowed ? 'tumbling windows' : 'no windows'}: every update, and the final aggregates, as the model says`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.boolean(), fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 99 })), {
            maxLength: 30,
          }),
          (records) => {
            const { builder, cogrouped } = setUp();
            const out = windowed
              ? cogrouped
                  .windowedBy(TimeWindows.ofSizeAndGrace(10, 1_000))
                  .aggregate(() => '0', Materialized.with(S, S))
                  .toStream()
                  .map((w, v) => ({ key: `${w.key}@${w.startMs}`, value: v }))
              : cogrouped.aggregate(() => '0', Materialized.with(S, S)).toStream();
            out.to('output', Produced.with(S, S));
            const driver = new TopologyTestDriver(builder.build(), {}, 0);
            const inputs = [driver.createInputTopic('topic', S, S), driver.createInputTopic('topic2', S, S)];
            const model = new Map<string, string>();
            const updates: [string, string][] = [];
            records.forEach(([second, key, t], i) => {
              inputs[second ? 1 : 0]!.pipeInput(key, `v${i}`, t);
              const cell = windowed ? `${key}@${t - (t % 10)}` : key;
              const next = (second ? remover : adder)(key, `v${i}`, model.get(cell) ?? '0');
              model.set(cell, next);
              updates.push([cell, next]);
            });
            const got = driver.createOutputTopic('output', S, S).readKeyValuesToList();
            expect(got.map((kv) => [kv.key, kv.value])).toEqual(updates);
            driver.close();
          },
        ),
        { numRuns: 60 },
      );
    });
  }
});
