import { describe, expect, it } from 'vitest';
import { Consumed, Produced, Serdes, Stores, StreamsBuilder, Topology, TopologyError } from '../index.js';

const S = Serdes.String();

describe('Topology.describe()', () => {
  it("prints Kafka Streams' text format", () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('input', Consumed.with(S, S))
      .filter((_k, v) => v !== '')
      .to('output', Produced.with(S, S));
    expect(builder.build().describe().toString()).toBe(
      [
        'Topologies:',
        '   Sub-topology: 0',
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [input])',
        '      --> KSTREAM-FILTER-0000000001',
        '    Processor: KSTREAM-FILTER-0000000001 (stores: [])',
        '      --> KSTREAM-SINK-0000000002',
        '      <-- KSTREAM-SOURCE-0000000000',
        '    Sink: KSTREAM-SINK-0000000002 (topic: output)',
        '      <-- KSTREAM-FILTER-0000000001',
        '',
        '',
      ].join('\n'),
    );
  });

  it('renders Mermaid with a subgraph per sub-topology and the repartition topic between them', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('orders', Consumed.with(S, S))
      .groupBy((_k, v) => v)
      .count();
    const mermaid = builder.build().describe().toMermaid();
    expect(mermaid).toMatch(/^flowchart TD/);
    expect(mermaid).toContain('subgraph sub0');
    expect(mermaid).toContain('subgraph sub1');
    expect(mermaid).toMatch(/KSTREAM_SINK_\d+ --> topic_KSTREAM_AGGREGATE_STATE_STORE_\d+_repartition/);
  });
});

describe('Topology validation', () => {
  const noop = { get: () => ({ process() {} }) };

  it('rejects duplicate node names', () => {
    const t = new Topology().addSource('src', 'a');
    expect(() => t.addSource('src', 'b')).toThrow(TopologyError);
    expect(() => t.addSource('src', 'b')).toThrow(/a node named src already exists/);
  });

  it('rejects a topic read by two sources', () => {
    const t = new Topology().addSource('one', 'a');
    expect(() => t.addSource('two', 'a')).toThrow(/topic a is already read by source one/);
  });

  it('rejects an unknown parent and an unknown store', () => {
    const t = new Topology().addSource('src', 'a');
    expect(() => t.addProcessor('p', noop, 'nope')).toThrow(
      /names parent nope, which is not in the topology/,
    );
    t.addProcessor('p', noop, 'src');
    expect(() => t.connectProcessorAndStateStores('p', 'missing')).toThrow(
      /uses state store missing, which is not in the topology/,
    );
  });

  it('rejects a store no processor uses', () => {
    const t = new Topology().addSource('src', 'a').addStateStore(Stores.keyValueStoreBuilder('lonely', S, S));
    expect(() => t.describe()).toThrow(/state store lonely is not connected to any processor/);
  });

  it('puts processors that share a store into one sub-topology', () => {
    const t = new Topology()
      .addSource('s1', 'a')
      .addSource('s2', 'b')
      .addProcessor('p1', noop, 's1')
      .addProcessor('p2', noop, 's2')
      .addStateStore(Stores.keyValueStoreBuilder('shared', S, S), 'p1', 'p2');
    const subs = t.describe().subtopologies;
    expect(subs).toHaveLength(1);
    expect(subs[0]!.sourceTopics).toEqual(['a', 'b']);
  });
});
