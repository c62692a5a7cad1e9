// The DSL's logical graph: which stores a topology gets, which stores a join reads, and the names of
// nodes, stores and internal topics. The topology cases are ports of Kafka Streams'
// StreamsBuilderTest (same operations, same expected names and stores).
import { describe, expect, it } from 'vitest';
import {
  Branched,
  Consumed,
  Grouped,
  Joined,
  type KTable,
  Materialized,
  Named,
  Produced,
  Serdes,
  StreamsBuilder,
  type Topology,
  TopologyError,
  TopologyTestDriver,
} from '../../index.js';

const S = Serdes.String();
const L = Serdes.Long();
const TABLE_TOPIC = 'table-topic';
const STREAM_TOPIC = 'stream-topic';
const joiner = (v: string, t: string) => `${v}+${t}`;

/** Every node's name, sub-topology by sub-topology (Kafka Streams' ProcessorTopology.processors()). */
function nodeNames(topology: Topology): string[] {
  return topology.describe().subtopologies.flatMap((sub) => sub.nodes.map((n) => n.name));
}

function stores(topology: Topology): string[] {
  return topology.describe().subtopologies.flatMap((sub) => sub.stores);
}

/** Kafka Streams' ProcessorTopology.processorConnectedStateStores(name). */
function storesOf(topology: Topology, nodeName: string): readonly string[] {
  for (const sub of topology.describe().subtopologies)
    for (const node of sub.nodes) if (node.name === nodeName && node.kind === 'processor') return node.stores;
  throw new Error(`no processor ${nodeName} in ${nodeNames(topology).join(', ')}`);
}

function joinStreamWith(builder: StreamsBuilder, table: KTable<string, string>): Topology {
  builder.stream<string, string>(STREAM_TOPIC, Consumed.with(S, S)).join(table, joiner);
  return builder.build();
}

describe('StreamsBuilderTest: stores a join needs', () => {
  it('shouldAllowJoinUnmaterializedFilteredKTable: the join reads the source store through the filter', () => {
    const builder = new StreamsBuilder();
    const filtered = builder.table<string, string>(TABLE_TOPIC, Consumed.with(S, S)).filter(() => true);
    const topology = joinStreamWith(builder, filtered);
    expect(stores(topology)).toEqual(['table-topic-STATE-STORE-0000000000']);
    expect(storesOf(topology, 'KSTREAM-JOIN-0000000005')).toEqual(['table-topic-STATE-STORE-0000000000']);
    expect(storesOf(topology, 'KTABLE-FILTER-0000000003')).toEqual([]);
  });

  it('shouldAllowJoinMaterializedFilteredKTable: the join reads the filter’s own store', () => {
    const builder = new StreamsBuilder();
    const filtered = builder
      .table<string, string>(TABLE_TOPIC, Consumed.with(S, S))
      .filter(() => true, Materialized.as('store'));
    const topology = joinStreamWith(builder, filtered);
    expect(stores(topology)).toEqual(['store']);
    expect(storesOf(topology, 'KSTREAM-JOIN-0000000005')).toEqual(['store']);
    expect(storesOf(topology, 'KTABLE-FILTER-0000000003')).toEqual(['store']);
  });

  it('shouldAllowJoinUnmaterializedMapValuedKTable', () => {
    const builder = new StreamsBuilder();
    const mapped = builder.table<string, string>(TABLE_TOPIC, Consumed.with(S, S)).mapValues((v) => v);
    const topology = joinStreamWith(builder, mapped);
    expect(stores(topology)).toEqual(['table-topic-STATE-STORE-0000000000']);
    expect(storesOf(topology, 'KSTREAM-JOIN-0000000005')).toEqual(['table-topic-STATE-STORE-0000000000']);
    expect(storesOf(topology, 'KTABLE-MAPVALUES-0000000003')).toEqual([]);
  });

  it('shouldAllowJoinMaterializedMapValuedKTable', () => {
    const builder = new StreamsBuilder();
    const mapped = builder
      .table<string, string>(TABLE_TOPIC, Consumed.with(S, S))
      .mapValues((v) => v, Materialized.as<string, string>('store').withValueSerde(S));
    const topology = joinStreamWith(builder, mapped);
    expect(stores(topology)).toEqual(['store']);
    expect(storesOf(topology, 'KSTREAM-JOIN-0000000005')).toEqual(['store']);
    expect(storesOf(topology, 'KTABLE-MAPVALUES-0000000003')).toEqual(['store']);
  });

  it('shouldAllowJoinMaterializedSourceKTable: a join materializes the source table it reads', () => {
    const builder = new StreamsBuilder();
    const topology = joinStreamWith(builder, builder.table<string, string>(TABLE_TOPIC, Consumed.with(S, S)));
    expect(stores(topology)).toEqual(['table-topic-STATE-STORE-0000000000']);
    expect(storesOf(topology, 'KTABLE-SOURCE-0000000002')).toEqual(['table-topic-STATE-STORE-0000000000']);
    expect(storesOf(topology, 'KSTREAM-JOIN-0000000004')).toEqual(['table-topic-STATE-STORE-0000000000']);
  });

  it('shouldNotMaterializeStoresIfNotRequired: Materialized without a store name keeps no store', () => {
    const builder = new StreamsBuilder();
    builder.table<number, string>('topic', undefined, Materialized.with(L, S));
    expect(stores(builder.build())).toEqual([]);
  });

  it('an aggregation over a table materializes the source (it needs the old values)', () => {
    const builder = new StreamsBuilder();
    builder
      .table<string, string>(TABLE_TOPIC, Consumed.with(S, S))
      .groupBy((k, v) => ({ key: v, value: k }), Grouped.with(S, S))
      .count();
    expect(stores(builder.build())).toEqual([
      'table-topic-STATE-STORE-0000000000',
      'KTABLE-AGGREGATE-STATE-STORE-0000000004',
    ]);
  });

  it('a join declared after build() cannot materialize a table already built: the error names the fix', () => {
    const builder = new StreamsBuilder();
    const table = builder.table<string, string>(TABLE_TOPIC, Consumed.with(S, S));
    builder.build();
    expect(() => builder.stream<string, string>(STREAM_TOPIC).join(table, joiner)).toThrow(
      /KTABLE-SOURCE-0000000002 was already built into the topology, so a join cannot read it; declare every operation before StreamsBuilder.build\(\)/,
    );
    expect(() => builder.stream<string, string>(STREAM_TOPIC).join(table, joiner)).toThrow(TopologyError);
  });
});

describe('StreamsBuilderTest: names', () => {
  it('shouldUseSpecifiedNameForTableSourceProcessor: a named operation still uses up its number', () => {
    const builder = new StreamsBuilder();
    builder.table(STREAM_TOPIC, Consumed.as('source-node'));
    builder.table('stream-topic-two');
    expect(nodeNames(builder.build())).toEqual([
      'source-node-source',
      'source-node',
      'KSTREAM-SOURCE-0000000004',
      'KTABLE-SOURCE-0000000005',
    ]);
  });

  it('shouldUseSpecifiedNameForJoinOperationBetweenKStreamAndKTable', () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream<string, string>(STREAM_TOPIC, Consumed.with(S, S));
    const table = builder.table<string, string>(TABLE_TOPIC, Consumed.with(S, S));
    stream.join(table, joiner, Joined.as('operation'));
    expect(nodeNames(builder.build())).toEqual([
      'KSTREAM-SOURCE-0000000000',
      'KSTREAM-SOURCE-0000000002',
      'KTABLE-SOURCE-0000000003',
      'operation',
    ]);
  });

  it('shouldUseSpecifiedNameForSplitOperation', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>(STREAM_TOPIC)
      .split(Named.as('branch-processor'))
      .branch(() => true, Branched.as('-1'))
      .branch(() => false, Branched.as('-2'));
    expect(nodeNames(builder.build())).toEqual([
      'KSTREAM-SOURCE-0000000000',
      'branch-processor',
      'branch-processor-1',
      'branch-processor-2',
    ]);
  });

  it('split(): a branch’s chain runs when the branch is declared, and each branch uses up a number', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>(STREAM_TOPIC, Consumed.with(S, S))
      .split()
      .branch(
        (k) => k === 'a',
        Branched.withConsumer((s) => s.to('a')),
      )
      .defaultBranch(Branched.withConsumer((s) => s.to('rest')));
    expect(nodeNames(builder.build())).toEqual([
      'KSTREAM-SOURCE-0000000000',
      'KSTREAM-BRANCH-0000000001',
      'KSTREAM-BRANCH-00000000011',
      'KSTREAM-SINK-0000000003',
      'KSTREAM-BRANCH-00000000010',
      'KSTREAM-SINK-0000000005',
    ]);
  });

  it('shouldUseSpecifiedNameForToStream and ForMergeOperation', () => {
    const builder = new StreamsBuilder();
    builder.table(STREAM_TOPIC).toStream(Named.as('to-stream'));
    expect(nodeNames(builder.build())).toEqual([
      'KSTREAM-SOURCE-0000000001',
      'KTABLE-SOURCE-0000000002',
      'to-stream',
    ]);
    const merging = new StreamsBuilder();
    merging.stream('topic-1').merge(merging.stream('topic-2'), Named.as('merge-processor'));
    expect(nodeNames(merging.build())).toEqual([
      'KSTREAM-SOURCE-0000000000',
      'KSTREAM-SOURCE-0000000001',
      'merge-processor',
    ]);
  });

  it('shouldUseSpecifiedNameForAggregateOperationGivenTable', () => {
    const builder = new StreamsBuilder();
    builder
      .table<string, string>(STREAM_TOPIC, Consumed.with(S, S))
      .groupBy((k, v) => ({ key: k, value: v }), Grouped.as('group-operation'))
      .count(undefined, Named.as('operation'));
    const topology = builder.build();
    expect(stores(topology)).toEqual([
      'stream-topic-STATE-STORE-0000000000',
      'KTABLE-AGGREGATE-STATE-STORE-0000000004',
    ]);
    expect(nodeNames(topology)).toEqual([
      'KSTREAM-SOURCE-0000000001',
      'KTABLE-SOURCE-0000000002',
      'group-operation',
      'operation-sink',
      'operation-source',
      'operation',
    ]);
    expect(topology.describe().toString()).toContain('(topic: group-operation-repartition)');
  });

  it('word count (the Kafka Streams tutorial): repartition nodes, numbers and topics', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('streams-plaintext-input', Consumed.with(S, S))
      .flatMapValues((line) => line.toLowerCase().split(/\W+/))
      .groupBy((_key, word) => word)
      .count(Materialized.as('counts-store'))
      .toStream()
      .to('streams-wordcount-output', Produced.with(S, L));
    // The tutorial's numbers (aggregate 3; sink, filter, source 4-6; toStream 7; sink 8). A named
    // repartition's nodes are called after its topic since KIP-372's follow-ups, as here.
    expect(builder.build().describe().toString()).toBe(
      [
        'Topologies:',
        '   Sub-topology: 0',
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [streams-plaintext-input])',
        '      --> KSTREAM-FLATMAPVALUES-0000000001',
        '    Processor: KSTREAM-FLATMAPVALUES-0000000001 (stores: [])',
        '      --> KSTREAM-KEY-SELECT-0000000002',
        '      <-- KSTREAM-SOURCE-0000000000',
        '    Processor: KSTREAM-KEY-SELECT-0000000002 (stores: [])',
        '      --> counts-store-repartition-filter',
        '      <-- KSTREAM-FLATMAPVALUES-0000000001',
        '    Processor: counts-store-repartition-filter (stores: [])',
        '      --> counts-store-repartition-sink',
        '      <-- KSTREAM-KEY-SELECT-0000000002',
        '    Sink: counts-store-repartition-sink (topic: counts-store-repartition)',
        '      <-- counts-store-repartition-filter',
        '',
        '   Sub-topology: 1',
        '    Source: counts-store-repartition-source (topics: [counts-store-repartition])',
        '      --> KSTREAM-AGGREGATE-0000000003',
        '    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [counts-store])',
        '      --> KTABLE-TOSTREAM-0000000007',
        '      <-- counts-store-repartition-source',
        '    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])',
        '      --> KSTREAM-SINK-0000000008',
        '      <-- KSTREAM-AGGREGATE-0000000003',
        '    Sink: KSTREAM-SINK-0000000008 (topic: streams-wordcount-output)',
        '      <-- KTABLE-TOSTREAM-0000000007',
        '',
        '',
      ].join('\n'),
    );
  });

  it('an unnamed count() uses up one store number more, and its repartition topic is named after the store', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('in', Consumed.with(S, S))
      .groupBy((_k, v) => v)
      .count()
      .toStream()
      .to('out', Produced.with(S, L));
    const text = builder.build().describe().toString();
    expect(text).toContain(
      'Processor: KSTREAM-AGGREGATE-0000000004 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000003])',
    );
    expect(text).toContain(
      'Sink: KSTREAM-SINK-0000000005 (topic: KSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition)',
    );
    expect(text).toContain(
      'Source: KSTREAM-SOURCE-0000000007 (topics: [KSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition])',
    );
  });

  it('aggregations of one named grouping share its repartition topic', () => {
    const builder = new StreamsBuilder();
    const grouped = builder
      .stream<string, string>('in', Consumed.with(S, S))
      .selectKey((_k, v) => v)
      .groupByKey(Grouped.as<string, string>('by-value'));
    grouped.count(Materialized.as('counts')).toStream().to('counts', Produced.with(S, L));
    grouped
      .reduce((a, b) => a + b, Materialized.as('joined'))
      .toStream()
      .to('joined', Produced.with(S, S));
    const topology = builder.build();
    const repartitionSinks = topology
      .describe()
      .subtopologies.flatMap((sub) => sub.nodes)
      .filter((n) => n.kind === 'sink' && n.topic === 'by-value-repartition');
    expect(repartitionSinks).toHaveLength(1);
    const driver = new TopologyTestDriver(topology, { cacheMaxBytes: 0 }, 0);
    driver.createInputTopic('in', S, S).pipeValueList(['x', 'y', 'x']);
    expect(driver.createOutputTopic('counts', S, L).readKeyValuesToList()).toEqual([
      { key: 'x', value: 1 },
      { key: 'y', value: 1 },
      { key: 'x', value: 2 },
    ]);
    expect(driver.createOutputTopic('joined', S, S).readValuesToList()).toEqual(['x', 'y', 'xx']);
  });
});

describe('joins against tables nobody materialized (value getters)', () => {
  function enrich(left: boolean) {
    const builder = new StreamsBuilder();
    const customers = builder
      .table<string, string>('customers', Consumed.with(S, S))
      .filter((_id, name) => name !== 'hidden')
      .mapValues((name) => name.toUpperCase());
    const orders = builder.stream<string, string>('orders', Consumed.with(S, S));
    const joinName = (order: string, name: string | null) => `${order} for ${name ?? 'nobody'}`;
    (left ? orders.leftJoin(customers, joinName) : orders.join(customers, joinName)).to(
      'enriched',
      Produced.with(S, S),
    );
    return builder.build();
  }

  it('join and leftJoin look each key up through mapValues and filter, at the stream record’s time', () => {
    for (const left of [false, true]) {
      const driver = new TopologyTestDriver(enrich(left), { cacheMaxBytes: 0 }, 0);
      const customers = driver.createInputTopic('customers', S, S);
      const orders = driver.createInputTopic('orders', S, S);
      customers.pipeInput('c1', 'ann', 10);
      customers.pipeInput('c2', 'hidden', 11);
      orders.pipeInput('c1', 'o1', 20);
      orders.pipeInput('c2', 'o2', 21);
      orders.pipeInput('c3', 'o3', 22);
      customers.pipeInput('c1', 'hidden', 30);
      orders.pipeInput('c1', 'o4', 31);
      customers.pipeInput('c2', 'bob', 40);
      orders.pipeInput('c2', 'o5', 41);
      const out = driver
        .createOutputTopic('enriched', S, S)
        .readRecordsToList()
        .map((r) => [r.key, r.value, r.timestampMs]);
      expect(out).toEqual(
        left
          ? [
              ['c1', 'o1 for ANN', 20],
              ['c2', 'o2 for nobody', 21],
              ['c3', 'o3 for nobody', 22],
              ['c1', 'o4 for nobody', 31],
              ['c2', 'o5 for BOB', 41],
            ]
          : [
              ['c1', 'o1 for ANN', 20],
              ['c2', 'o5 for BOB', 41],
            ],
      );
      driver.close();
    }
  });

  it('the source table’s store is the only store, and it is cached by default as Materialized’s defaults say', () => {
    const topology = enrich(false);
    expect(stores(topology)).toEqual(['customers-STATE-STORE-0000000000']);
    const driver = new TopologyTestDriver(topology, {}, 0);
    driver.createInputTopic('customers', S, S).pipeInput('c1', 'ann');
    driver.createInputTopic('orders', S, S).pipeInput('c1', 'o1');
    // The join reads through the cache: the update it holds is visible before any flush.
    expect(driver.createOutputTopic('enriched', S, S).readValuesToList()).toEqual(['o1 for ANN']);
    driver.close();
  });
});
