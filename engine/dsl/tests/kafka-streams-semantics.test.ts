// Kafka Streams' exact results, record for record (values, keys, timestamps, tombstones, order).
// Where a test is a port of Kafka Streams' own, it is named after it; its inputs and expected
// outputs are Kafka Streams', and caching is off as in those tests unless a test says otherwise.
import { describe, expect, it } from 'vitest';
import {
  Consumed,
  Grouped,
  type KeyValue,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  TimeWindows,
  type Topology,
  TopologyTestDriver,
  WindowedSerdes,
} from '../../index.js';

const S = Serdes.String();
const L = Serdes.Long();
const I = Serdes.Integer();
const NO_CACHE = { cacheMaxBytes: 0 };

/** Output records as Kafka Streams' KeyValueTimestamp. */
function outputOf<K, V>(
  driver: TopologyTestDriver,
  topic: string,
  keySerde = S as never,
  valueSerde = S as never,
) {
  return driver
    .createOutputTopic<K, V>(topic, keySerde, valueSerde)
    .readRecordsToList()
    .map((r) => [r.key, r.value, r.timestampMs]);
}

function drive(topology: Topology, config = NO_CACHE): TopologyTestDriver {
  return new TopologyTestDriver(topology, config, 0);
}

const toStringAdder = (_k: unknown, v: string, agg: string) => `${agg}+${v}`;
const toStringRemover = (_k: unknown, v: string, agg: string) => `${agg}-${v}`;

describe('KTableAggregateTest', () => {
  it('testAggBasic: an update in the same group is one subtract-and-add (KIP-904), stamped with the latest timestamp', () => {
    const builder = new StreamsBuilder();
    builder
      .table<string, string>('topic1', Consumed.with(S, S))
      .groupBy((key, value) => ({ key, value }), Grouped.with(S, S))
      .aggregate(
        () => '0',
        toStringAdder,
        toStringRemover,
        Materialized.as<string, string>('topic1-Canonized').withValueSerde(S),
      )
      .toStream()
      .to('out', Produced.with(S, S));
    const driver = drive(builder.build());
    const input = driver.createInputTopic('topic1', S, S);
    for (const [k, v, ts] of [
      ['A', '1', 10],
      ['B', '2', 15],
      ['A', '3', 20],
      ['B', '4', 18],
      ['C', '5', 5],
      ['D', '6', 25],
      ['B', '7', 15],
      ['C', '8', 10],
    ] as const)
      input.pipeInput(k, v, ts);
    expect(outputOf(driver, 'out')).toEqual([
      ['A', '0+1', 10],
      ['B', '0+2', 15],
      ['A', '0+1-1+3', 20],
      ['B', '0+2-2+4', 18],
      ['C', '0+5', 5],
      ['D', '0+6', 25],
      ['B', '0+2-2+4-4+7', 18],
      ['C', '0+5-5+8', 10],
    ]);
  });

  it('testAggRepartition: pairs with a null key or a null pair are skipped; moves between groups subtract first', () => {
    const builder = new StreamsBuilder();
    builder
      .table<string, string>('topic1', Consumed.with(S, S))
      .groupBy<string, string>(
        (key, value) =>
          // A null key, as Kafka Streams' KeyValue.pair(null, value): the typed API has no room for it.
          key === 'null'
            ? ({ key: null, value } as unknown as KeyValue<string, string>)
            : key === 'NULL'
              ? null
              : { key: value, value },
        Grouped.with(S, S),
      )
      .aggregate(
        () => '0',
        toStringAdder,
        toStringRemover,
        Materialized.as<string, string>('topic1-Canonized').withValueSerde(S),
      )
      .toStream()
      .to('out', Produced.with(S, S));
    const driver = drive(builder.build());
    const input = driver.createInputTopic('topic1', S, S);
    for (const [k, v, ts] of [
      ['A', '1', 10],
      ['A', null, 15],
      ['A', '1', 12],
      ['B', '2', 20],
      ['null', '3', 25],
      ['B', '4', 23],
      ['NULL', '5', 24],
      ['B', '7', 22],
    ] as const)
      input.pipeInput(k, v, ts);
    expect(outputOf(driver, 'out')).toEqual([
      ['1', '0+1', 10],
      ['1', '0+1-1', 15],
      ['1', '0+1-1+1', 15],
      ['2', '0+2', 20],
      ['2', '0+2-2', 23],
      ['4', '0+4', 23],
      ['4', '0+4-4', 23],
      ['7', '0+7', 22],
    ]);
  });

  it('testCount: counts per group carry the largest timestamp counted so far', () => {
    const builder = new StreamsBuilder();
    builder
      .table<string, string>('count-test-input', Consumed.with(S, S))
      .groupBy((_k, value) => ({ key: value, value }), Grouped.with(S, S))
      .count(Materialized.as('count'))
      .toStream()
      .to('out', Produced.with(S, L));
    const driver = drive(builder.build());
    const input = driver.createInputTopic('count-test-input', S, S);
    input.pipeInput('A', 'green', 10);
    input.pipeInput('B', 'green', 9);
    input.pipeInput('A', 'blue', 12);
    input.pipeInput('C', 'yellow', 15);
    input.pipeInput('D', 'green', 11);
    expect(outputOf(driver, 'out', S as never, L as never)).toEqual([
      ['green', 1, 10],
      ['green', 2, 10],
      ['green', 1, 12],
      ['blue', 1, 12],
      ['yellow', 1, 15],
      ['green', 2, 12],
    ]);
  });

  it('testShouldNotSendTransientStateIfNotUpgrading: an update that keeps its group emits no intermediate count', () => {
    const builder = new StreamsBuilder();
    builder
      .table<string, string>('input-topic', Consumed.with(S, S))
      .groupBy((key, value) => ({ key, value }), Grouped.with(S, S))
      .count()
      .toStream()
      .to('output-topic', Produced.with(S, L));
    const driver = drive(builder.build());
    const input = driver.createInputTopic('input-topic', S, S);
    input.pipeInput('1', '', 8);
    input.pipeInput('1', '', 9);
    expect(outputOf(driver, 'output-topic', S as never, L as never)).toEqual([
      ['1', 1, 8],
      ['1', 1, 9],
    ]);
  });
});

describe('KStreamAggregate / KStreamReduce timestamps', () => {
  it('a stream aggregation result carries the largest input timestamp of its key so far', () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream<string, string>('in', Consumed.with(S, S)).groupByKey(Grouped.with(S, S));
    grouped.count(Materialized.as('counts')).toStream().to('counts', Produced.with(S, L));
    grouped
      .reduce((a, b) => `${a}${b}`, Materialized.as('reduced'))
      .toStream()
      .to('reduced', Produced.with(S, S));
    const driver = drive(builder.build());
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput('A', 'a', 10);
    input.pipeInput('A', 'b', 5);
    input.pipeInput('B', 'c', 7);
    input.pipeInput('A', 'd', 15);
    expect(outputOf(driver, 'counts', S as never, L as never)).toEqual([
      ['A', 1, 10],
      ['A', 2, 10],
      ['B', 1, 7],
      ['A', 3, 15],
    ]);
    expect(outputOf(driver, 'reduced')).toEqual([
      ['A', 'a', 10],
      ['A', 'ab', 10],
      ['B', 'c', 7],
      ['A', 'abd', 15],
    ]);
    // The store keeps the timestamp with the value; a key-value view shows the value alone.
    expect(driver.getTimestampedKeyValueStore<string, number>('counts').get('A')).toEqual({
      value: 3,
      timestampMs: 15,
    });
    expect(driver.getKeyValueStore<string, number>('counts').get('A')).toBe(3);
  });
});

describe('KStreamWindowAggregate', () => {
  const windowed = WindowedSerdes.timeWindowedSerdeFrom(S, 100);

  it('a window result carries the largest timestamp aggregated into that window', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('in', Consumed.with(S, S))
      .groupByKey(Grouped.with(S, S))
      .windowedBy(TimeWindows.ofSizeWithNoGrace(100))
      .count()
      .toStream()
      .to('out', Produced.with(windowed, L));
    const driver = drive(builder.build());
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput('A', 'x', 10);
    input.pipeInput('A', 'y', 5);
    input.pipeInput('A', 'z', 50);
    expect(
      driver
        .createOutputTopic('out', windowed, L)
        .readRecordsToList()
        .map((r) => [r.key!.key, r.key!.startMs, r.value, r.timestampMs]),
    ).toEqual([
      ['A', 0, 1, 10],
      ['A', 0, 2, 10],
      ['A', 0, 3, 50],
    ]);
  });

  it('passes a null value to the aggregator, as Kafka Streams 4.1 does (count counts it)', () => {
    const builder = new StreamsBuilder();
    const grouped = builder
      .stream<string, string | null>('in', Consumed.with(S, S))
      .groupByKey(Grouped.with(S, S))
      .windowedBy(TimeWindows.ofSizeWithNoGrace(100));
    grouped.count().toStream().to('counts', Produced.with(windowed, L));
    grouped
      .aggregate(
        () => '',
        (_k, v, agg) => `${agg}[${v}]`,
        Materialized.with(S, S),
      )
      .toStream()
      .to('seen', Produced.with(windowed, S));
    const driver = drive(builder.build());
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput('A', 'x', 10);
    input.pipeInput('A', null, 20);
    const read = (topic: string, serde: typeof L | typeof S) =>
      driver
        .createOutputTopic(topic, windowed, serde as never)
        .readRecordsToList()
        .map((r) => [r.key!.key, r.value, r.timestampMs]);
    expect(read('counts', L)).toEqual([
      ['A', 1, 10],
      ['A', 2, 20],
    ]);
    expect(read('seen', S)).toEqual([
      ['A', '[x]', 10],
      ['A', '[x][null]', 20],
    ]);
  });
});

describe('KTableFilterTest', () => {
  const predicate = (_k: string, v: number) => v % 2 === 0;
  function doTestKTable(materializeFilter: boolean, config: { cacheMaxBytes: number } = NO_CACHE) {
    const builder = new StreamsBuilder();
    const table1 = builder.table<string, number>('topic1', Consumed.with(S, I));
    const table2 = materializeFilter
      ? table1.filter(predicate, Materialized.as<string, number>('store2'))
      : table1.filter(predicate);
    table2.toStream().to('filtered', Produced.with(S, I));
    table1.filterNot(predicate).toStream().to('filteredNot', Produced.with(S, I));
    const driver = drive(builder.build(), config);
    const input = driver.createInputTopic('topic1', S, I);
    input.pipeInput('A', 1, 10);
    input.pipeInput('B', 2, 5);
    input.pipeInput('C', 3, 8);
    input.pipeInput('D', 4, 14);
    input.pipeInput('A', null, 18);
    input.pipeInput('B', null, 15);
    return {
      filtered: outputOf(driver, 'filtered', S as never, I as never),
      filteredNot: outputOf(driver, 'filteredNot', S as never, I as never),
    };
  }
  const filtered = [
    ['A', null, 10],
    ['B', 2, 5],
    ['C', null, 8],
    ['D', 4, 14],
    ['A', null, 18],
    ['B', null, 15],
  ];
  const filteredNot = [
    ['A', 1, 10],
    ['B', null, 5],
    ['C', 3, 8],
    ['D', null, 14],
    ['A', null, 18],
    ['B', null, 15],
  ];

  it('shouldPassThroughWithoutMaterialization: every dropped row and every delete is a tombstone', () => {
    expect(doTestKTable(false)).toEqual({ filtered, filteredNot });
  });

  it('shouldPassThroughOnMaterialization', () => {
    expect(doTestKTable(true)).toEqual({ filtered, filteredNot });
  });

  it('a cache in front of a materialized filter suppresses deletes of rows it never held', () => {
    expect(doTestKTable(true, { cacheMaxBytes: 1 << 20 }).filtered).toEqual([
      ['B', 2, 5],
      ['D', 4, 14],
      ['B', null, 15],
    ]);
  });

  it('KTable.mapValues forwards a delete of a key never seen as a tombstone', () => {
    const builder = new StreamsBuilder();
    builder
      .table<string, string>('in', Consumed.with(S, S))
      .mapValues((v) => v.toUpperCase())
      .toStream()
      .to('out', Produced.with(S, S));
    const driver = drive(builder.build());
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput('A', null, 1);
    input.pipeInput('B', 'b', 2);
    input.pipeInput('B', null, 3);
    expect(outputOf(driver, 'out')).toEqual([
      ['A', null, 1],
      ['B', 'B', 2],
      ['B', null, 3],
    ]);
  });
});

describe('KStreamKTableJoinProcessor (KIP-962)', () => {
  function join(left: boolean) {
    const builder = new StreamsBuilder();
    const table = builder.table<string, string>('table', Consumed.with(S, S));
    const stream = builder.stream<string | null, string | null>('stream', Consumed.with(S, S));
    const joiner = (v: string | null, t: string | null) => `${v}+${t}`;
    (left ? stream.leftJoin(table as never, joiner) : stream.join(table as never, joiner)).to(
      'out',
      Produced.with(S, S),
    );
    const driver = drive(builder.build());
    driver.createInputTopic('table', S, S).pipeInput('k', 'T', 1);
    const input = driver.createInputTopic('stream', S, S);
    input.pipeInput(null, 'no-key', 2);
    input.pipeInput('k', null, 3);
    input.pipeInput('k', 'v', 4);
    return outputOf(driver, 'out');
  }

  it('leftJoin joins a null-key record with null and drops a null value', () => {
    expect(join(true)).toEqual([
      [null, 'no-key+null', 2],
      ['k', 'v+T', 4],
    ]);
  });

  it('join drops both', () => {
    expect(join(false)).toEqual([['k', 'v+T', 4]]);
  });
});

describe('the empty-string key', () => {
  it('is a key like any other in persistent stores and in table lookups', () => {
    const builder = new StreamsBuilder();
    const names = builder.table<string, string>('names', Consumed.with(S, S), Materialized.as('names'));
    const events = builder.stream<string, string>('events', Consumed.with(S, S));
    events
      .groupByKey(Grouped.with(S, S))
      .count(Materialized.as('counts'))
      .toStream()
      .to('counts', Produced.with(S, L));
    events.join(names, (v, name) => `${v} by ${name}`).to('joined', Produced.with(S, S));
    const driver = drive(builder.build());
    driver.createInputTopic('names', S, S).pipeInput('', 'nobody', 1);
    const input = driver.createInputTopic('events', S, S);
    input.pipeInput('', 'e1', 2);
    input.pipeInput('', 'e2', 3);
    expect(outputOf(driver, 'counts', S as never, L as never)).toEqual([
      ['', 1, 2],
      ['', 2, 3],
    ]);
    expect(outputOf(driver, 'joined')).toEqual([
      ['', 'e1 by nobody', 2],
      ['', 'e2 by nobody', 3],
    ]);
    expect([...driver.getKeyValueStore<string, number>('counts').all()]).toEqual([{ key: '', value: 2 }]);
    driver.close();
  });
});
