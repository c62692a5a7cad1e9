// KGroupedStream.cogroup, ported from Kafka Streams' CogroupedKStreamImplTest.
import { describe, expect, it } from 'vitest';
import {
  Consumed,
  Materialized,
  Named,
  Produced,
  Serdes,
  StreamsBuilder,
  TopologyTestDriver,
} from '../../index.js';

const S = Serdes.String();
const append = (_k: string, v: string, agg: string) => agg + v;

describe('CogroupedKStreamImplTest', () => {
  it('shouldNameProcessorsAndStoreBasedOnNamedParameter', () => {
    const builder = new StreamsBuilder();
    const groupedOne = builder.stream<string, string>('one', Consumed.with(S, S)).groupByKey();
    const groupedTwo = builder.stream<string, string>('two', Consumed.with(S, S)).groupByKey();
    groupedOne
      .cogroup(append)
      .cogroup(groupedTwo, append)
      .aggregate(() => '', Materialized.as('store'), Named.as('test'))
      .toStream()
      .to('output', Produced.with(S, S));
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [one])\n' +
        '      --> test-cogroup-agg-0\n' +
        '    Source: KSTREAM-SOURCE-0000000001 (topics: [two])\n' +
        '      --> test-cogroup-agg-1\n' +
        '    Processor: test-cogroup-agg-0 (stores: [store])\n' +
        '      --> test-cogroup-merge\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n' +
        '    Processor: test-cogroup-agg-1 (stores: [store])\n' +
        '      --> test-cogroup-merge\n' +
        '      <-- KSTREAM-SOURCE-0000000001\n' +
        '    Processor: test-cogroup-merge (stores: [])\n' +
        '      --> KTABLE-TOSTREAM-0000000005\n' +
        '      <-- test-cogroup-agg-0, test-cogroup-agg-1\n' +
        '    Processor: KTABLE-TOSTREAM-0000000005 (stores: [])\n' +
        '      --> KSTREAM-SINK-0000000006\n' +
        '      <-- test-cogroup-merge\n' +
        '    Sink: KSTREAM-SINK-0000000006 (topic: output)\n' +
        '      <-- KTABLE-TOSTREAM-0000000005\n\n',
    );
  });

  it('shouldCogroupAndAggregateTwoKStreamsWithSharedKeys: one aggregate per key, at the latest input time', () => {
    const builder = new StreamsBuilder();
    const grouped1 = builder.stream<string, string>('one', Consumed.with(S, S)).groupByKey();
    const grouped2 = builder.stream<string, string>('two', Consumed.with(S, S)).groupByKey();
    grouped1
      .cogroup(append)
      .cogroup(grouped2, append)
      .aggregate(() => '', Materialized.with(S, S))
      .toStream()
      .to('output', Produced.with(S, S));
    const driver = new TopologyTestDriver(builder.build(), { cacheMaxBytes: 0 }, 0);
    const one = driver.createInputTopic('one', S, S);
    const two = driver.createInputTopic('two', S, S);
    one.pipeInput('k1', 'A', 0);
    one.pipeInput('k2', 'A', 1);
    one.pipeInput('k1', 'A', 10);
    one.pipeInput('k2', 'A', 100);
    two.pipeInput('k2', 'B', 100);
    two.pipeInput('k2', 'B', 200);
    two.pipeInput('k1', 'B', 1);
    two.pipeInput('k2', 'B', 500);
    two.pipeInput('k1', 'B', 500);
    two.pipeInput('k2', 'B', 500);
    expect(
      driver
        .createOutputTopic('output', S, S)
        .readRecordsToList()
        .map((r) => [r.key, r.value, r.timestampMs]),
    ).toEqual([
      ['k1', 'A', 0],
      ['k2', 'A', 1],
      ['k1', 'AA', 10],
      ['k2', 'AA', 100],
      ['k2', 'AAB', 100],
      ['k2', 'AABB', 200],
      ['k1', 'AAB', 10],
      ['k2', 'AABBB', 500],
      ['k1', 'AABB', 500],
      ['k2', 'AABBBB', 500],
    ]);
    driver.close();
  });

  it('shouldCoGroupStreamsWithDifferentInputTypes, re-keying one side through a repartition topic', () => {
    const builder = new StreamsBuilder();
    const clicks = builder.stream<string, string>('clicks', Consumed.with(S, S)).groupByKey();
    const orders = builder
      .stream<string, number>('orders', Consumed.with(S, Serdes.Integer()))
      .selectKey<string>((_orderId, amount) => (amount > 10 ? 'big' : 'small'))
      .groupByKey();
    clicks
      .cogroup<{ clicks: number; total: number }>((_k, _v, agg) => ({ ...agg, clicks: agg.clicks + 1 }))
      .cogroup(orders, (_k, amount, agg) => ({ ...agg, total: agg.total + amount }))
      .aggregate(() => ({ clicks: 0, total: 0 }), Materialized.as('activity'))
      .toStream()
      .to('activity', Produced.with(S, Serdes.Json()));
    const topology = builder.build();
    expect(topology.describe().toString()).toContain('(topic: activity-repartition)');
    const driver = new TopologyTestDriver(topology, { cacheMaxBytes: 0 }, 0);
    driver.createInputTopic('clicks', S, S).pipeInput('big', 'c');
    driver.createInputTopic('orders', S, Serdes.Integer()).pipeInput('o1', 50);
    driver.createInputTopic('orders', S, Serdes.Integer()).pipeInput('o2', 5);
    expect(driver.createOutputTopic('activity', S, Serdes.Json()).readKeyValuesToList()).toEqual([
      { key: 'big', value: { clicks: 1, total: 0 } },
      { key: 'big', value: { clicks: 1, total: 50 } },
      { key: 'small', value: { clicks: 0, total: 5 } },
    ]);
    driver.close();
  });
});
