import { describe, expect, it } from 'vitest';
import {
  Consumed,
  Materialized,
  Named,
  Serdes,
  StreamsBuilder,
  type TestInputTopic,
  TopologyTestDriver,
} from '../../index.js';

// Ports of Kafka Streams' KStreamGlobalKTableJoinTest and KStreamGlobalKTableLeftJoinTest: the
// stream's value carries the global table's key after a comma ("X0,FKey0"); no second token means
// the key selector answers null.

const I = Serdes.Integer();
const S = Serdes.String();
const KEYS = [0, 1, 2, 3];

type Out = { key: number | null; value: string | null; timestampMs: number };

function setUp(left: boolean) {
  const builder = new StreamsBuilder();
  const stream = builder.stream<number, string>('streamTopic', Consumed.with(I, S));
  const table = builder.globalTable<string, string>('globalTableTopic', Consumed.with(S, S));
  const keySelector = (_key: number, value: string) => value.split(',')[1] ?? null;
  const joiner = (value: string, tableValue: string | null) => `${value}+${tableValue}`;
  const joined = left
    ? stream.leftJoin(table, keySelector, joiner)
    : stream.join(table, keySelector, (v: string, t: string) => joiner(v, t));
  joined.to('output');
  const driver = new TopologyTestDriver(builder.build(), { defaultKeySerde: I, defaultValueSerde: S }, 0);
  const streamInput = driver.createInputTopic('streamTopic', I, S, 0, 1);
  const tableInput = driver.createInputTopic('globalTableTopic', S, S, 0, 0);
  const output = driver.createOutputTopic('output', I, S);
  const read = (): Out[] =>
    output.readRecordsToList().map((r) => ({ key: r.key, value: r.value, timestampMs: r.timestampMs }));
  return { driver, streamInput, tableInput, read };
}

function pushToStream(
  input: TestInputTopic<number, string>,
  count: number,
  prefix: string,
  includeForeignKey: boolean,
  includeNullKey: boolean,
): void {
  for (let i = 0; i < count; i++) {
    const value = `${prefix}${KEYS[i]}${includeForeignKey ? `,FKey${KEYS[i]}` : ''}`;
    input.pipeInput(includeNullKey && i === 0 ? null : KEYS[i]!, value);
  }
}

function pushToTable(input: TestInputTopic<string, string>, count: number, prefix: string | null): void {
  for (let i = 0; i < count; i++)
    input.pipeInput(`FKey${KEYS[i]}`, prefix === null ? null : `${prefix}${KEYS[i]}`);
}

const r = (key: number | null, value: string, timestampMs: number): Out => ({ key, value, timestampMs });

describe('KStream-GlobalKTable join (KStreamGlobalKTableJoinTest)', () => {
  it('shouldNotJoinWithEmptyGlobalTableOnStreamUpdates', () => {
    const t = setUp(false);
    pushToStream(t.streamInput, 2, 'X', true, false);
    expect(t.read()).toEqual([]);
    t.driver.close();
  });

  it('shouldNotJoinOnGlobalTableUpdates', () => {
    const t = setUp(false);
    pushToStream(t.streamInput, 2, 'X', true, false);
    expect(t.read()).toEqual([]);
    pushToTable(t.tableInput, 2, 'Y');
    expect(t.read()).toEqual([]);
    pushToStream(t.streamInput, 4, 'X', true, false);
    expect(t.read()).toEqual([r(0, 'X0,FKey0+Y0', 2), r(1, 'X1,FKey1+Y1', 3)]);
    pushToTable(t.tableInput, 4, 'YY');
    expect(t.read()).toEqual([]);
    pushToStream(t.streamInput, 4, 'X', true, false);
    expect(t.read()).toEqual([
      r(0, 'X0,FKey0+YY0', 6),
      r(1, 'X1,FKey1+YY1', 7),
      r(2, 'X2,FKey2+YY2', 8),
      r(3, 'X3,FKey3+YY3', 9),
    ]);
    pushToTable(t.tableInput, 4, 'YYY');
    expect(t.read()).toEqual([]);
    t.driver.close();
  });

  it('shouldJoinOnlyIfMatchFoundOnStreamUpdates', () => {
    const t = setUp(false);
    pushToTable(t.tableInput, 2, 'Y');
    pushToStream(t.streamInput, 4, 'X', true, false);
    expect(t.read()).toEqual([r(0, 'X0,FKey0+Y0', 0), r(1, 'X1,FKey1+Y1', 1)]);
    t.driver.close();
  });

  it('shouldClearGlobalTableEntryOnNullValueUpdates', () => {
    const t = setUp(false);
    pushToTable(t.tableInput, 4, 'Y');
    pushToStream(t.streamInput, 4, 'X', true, false);
    expect(t.read()).toEqual([
      r(0, 'X0,FKey0+Y0', 0),
      r(1, 'X1,FKey1+Y1', 1),
      r(2, 'X2,FKey2+Y2', 2),
      r(3, 'X3,FKey3+Y3', 3),
    ]);
    pushToTable(t.tableInput, 2, null);
    expect(t.read()).toEqual([]);
    pushToStream(t.streamInput, 4, 'XX', true, false);
    expect(t.read()).toEqual([r(2, 'XX2,FKey2+Y2', 6), r(3, 'XX3,FKey3+Y3', 7)]);
    t.driver.close();
  });

  it('shouldNotJoinOnNullKeyMapperValues', () => {
    const t = setUp(false);
    pushToTable(t.tableInput, 4, 'Y');
    pushToStream(t.streamInput, 4, 'XXX', false, false);
    expect(t.read()).toEqual([]);
    t.driver.close();
  });

  it('shouldJoinOnNullKeyWithNonNullKeyMapperValues', () => {
    const t = setUp(false);
    pushToTable(t.tableInput, 2, 'Y');
    pushToStream(t.streamInput, 4, 'X', true, true);
    expect(t.read()).toEqual([r(null, 'X0,FKey0+Y0', 0), r(1, 'X1,FKey1+Y1', 1)]);
    t.driver.close();
  });
});

describe('KStream-GlobalKTable leftJoin (KStreamGlobalKTableLeftJoinTest)', () => {
  it('shouldJoinWithEmptyGlobalTableOnStreamUpdates', () => {
    const t = setUp(true);
    pushToStream(t.streamInput, 2, 'X', true, false);
    expect(t.read()).toEqual([r(0, 'X0,FKey0+null', 0), r(1, 'X1,FKey1+null', 1)]);
    t.driver.close();
  });

  it('shouldNotJoinOnGlobalTableUpdates', () => {
    const t = setUp(true);
    pushToStream(t.streamInput, 2, 'X', true, false);
    expect(t.read()).toEqual([r(0, 'X0,FKey0+null', 0), r(1, 'X1,FKey1+null', 1)]);
    pushToTable(t.tableInput, 2, 'Y');
    expect(t.read()).toEqual([]);
    pushToStream(t.streamInput, 4, 'X', true, false);
    expect(t.read()).toEqual([
      r(0, 'X0,FKey0+Y0', 2),
      r(1, 'X1,FKey1+Y1', 3),
      r(2, 'X2,FKey2+null', 4),
      r(3, 'X3,FKey3+null', 5),
    ]);
    pushToTable(t.tableInput, 4, 'YY');
    expect(t.read()).toEqual([]);
    pushToStream(t.streamInput, 4, 'X', true, false);
    expect(t.read()).toEqual([
      r(0, 'X0,FKey0+YY0', 6),
      r(1, 'X1,FKey1+YY1', 7),
      r(2, 'X2,FKey2+YY2', 8),
      r(3, 'X3,FKey3+YY3', 9),
    ]);
    t.driver.close();
  });

  it('shouldClearGlobalTableEntryOnNullValueUpdates', () => {
    const t = setUp(true);
    pushToTable(t.tableInput, 4, 'Y');
    pushToStream(t.streamInput, 4, 'X', true, false);
    expect(t.read()).toHaveLength(4);
    pushToTable(t.tableInput, 2, null);
    pushToStream(t.streamInput, 4, 'XX', true, false);
    expect(t.read()).toEqual([
      r(0, 'XX0,FKey0+null', 4),
      r(1, 'XX1,FKey1+null', 5),
      r(2, 'XX2,FKey2+Y2', 6),
      r(3, 'XX3,FKey3+Y3', 7),
    ]);
    t.driver.close();
  });

  it('shouldNotJoinOnNullKeyMapperValues', () => {
    const t = setUp(true);
    pushToTable(t.tableInput, 4, 'Y');
    pushToStream(t.streamInput, 4, 'XXX', false, false);
    expect(t.read()).toEqual([]);
    t.driver.close();
  });

  it('shouldJoinOnNullKeyWithNonNullKeyMapperValues', () => {
    const t = setUp(true);
    pushToTable(t.tableInput, 4, 'Y');
    pushToStream(t.streamInput, 4, 'X', true, true);
    expect(t.read()).toEqual([
      r(null, 'X0,FKey0+Y0', 0),
      r(1, 'X1,FKey1+Y1', 1),
      r(2, 'X2,FKey2+Y2', 2),
      r(3, 'X3,FKey3+Y3', 3),
    ]);
    t.driver.close();
  });
});

describe('GlobalKTable in the topology', () => {
  it('needs no co-partitioning or repartitioning, and describes the global store as Kafka Streams does', () => {
    const builder = new StreamsBuilder();
    const table = builder.globalTable<string, string>(
      'products',
      Consumed.with(S, S),
      Materialized.as('products-store'),
    );
    builder
      .stream<string, string>('orders', Consumed.with(S, S))
      .selectKey((_k, v) => v)
      .leftJoin(
        table,
        (_k, v) => v,
        (order, product) => `${order}:${product}`,
        Named.as('with-product'),
      )
      .to('out');
    expect(table.queryableStoreName()).toBe('products-store');
    expect(builder.build().describe().toString()).toBe(
      [
        'Topologies:',
        '   Sub-topology: 0',
        '    Source: KSTREAM-SOURCE-0000000002 (topics: [orders])',
        '      --> KSTREAM-KEY-SELECT-0000000003',
        '    Processor: KSTREAM-KEY-SELECT-0000000003 (stores: [])',
        '      --> with-product',
        '      <-- KSTREAM-SOURCE-0000000002',
        '    Processor: with-product (stores: [])',
        '      --> KSTREAM-SINK-0000000005',
        '      <-- KSTREAM-KEY-SELECT-0000000003',
        '    Sink: KSTREAM-SINK-0000000005 (topic: out)',
        '      <-- with-product',
        '',
        '   Sub-topology: 1 for global store (will not generate tasks)',
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [products])',
        '      --> KTABLE-SOURCE-0000000001',
        '    Processor: KTABLE-SOURCE-0000000001 (stores: [products-store])',
        '      --> none',
        '      <-- KSTREAM-SOURCE-0000000000',
        '',
        '',
      ].join('\n'),
    );
  });

  it('a generated store name is not queryable by name, but the store exists; the store never logs', () => {
    const builder = new StreamsBuilder();
    const table = builder.globalTable<string, string>('products', Consumed.with(S, S));
    expect(table.queryableStoreName()).toBeNull();
    const global = builder.build().internal.globalStores.get('products-STATE-STORE-0000000000');
    expect(global?.store.loggingEnabled).toBe(false);
  });

  it('reads the global store from the driver, and refuses a second reader of its topic', () => {
    const builder = new StreamsBuilder();
    builder.globalTable('products', Consumed.with(S, S), Materialized.as('products'));
    builder.stream('products', Consumed.with(S, S)).to('copy');
    expect(() => builder.build()).toThrow(/topic products is already read by source/);
  });
});
