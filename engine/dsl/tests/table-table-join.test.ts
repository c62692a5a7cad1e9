// KTable-KTable joins, ported from Kafka Streams' KTableKTable{Inner,Left,Outer}JoinTest.testJoin:
// the same inputs, keys, timestamps and expected outputs (TOSTRING_JOINER is `${a}+${b}`).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Consumed,
  Grouped,
  type KTable,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  type Topology,
  TopologyTestDriver,
} from '../../index.js';

const I = Serdes.Integer();
const S = Serdes.String();
const L = Serdes.Long();
const KEYS = [0, 1, 2, 3];
const joiner = (a: string | null, b: string | null) => `${a}+${b}`;
type Row = [number | null, string | null, number];

type Join = 'join' | 'leftJoin' | 'outerJoin';

function joinTopology(kind: Join, materialized: boolean): Topology {
  const builder = new StreamsBuilder();
  const table1 = builder.table<number, string>('topic1', Consumed.with(I, S));
  const table2 = builder.table<number, string>('topic2', Consumed.with(I, S));
  const store = materialized ? Materialized.with(I, S) : undefined;
  const result =
    kind === 'join'
      ? table1.join(table2, joiner, store)
      : kind === 'leftJoin'
        ? table1.leftJoin(table2, joiner, store)
        : table1.outerJoin(table2, joiner, store);
  result.toStream().to('output', Produced.with(I, S));
  return builder.build();
}

/** Kafka Streams' doTestJoin: each step's input, and the outputs it expects per join kind. */
function runSteps(topology: Topology): Row[][] {
  const driver = new TopologyTestDriver(topology, {}, 0);
  const t1 = driver.createInputTopic('topic1', I, S);
  const t2 = driver.createInputTopic('topic2', I, S);
  const out = driver.createOutputTopic('output', I, S);
  const read = (): Row[] => out.readRecordsToList().map((r) => [r.key, r.value, r.timestampMs]);
  const steps: (() => void)[] = [
    () => {
      for (let i = 0; i < 2; i++) t1.pipeInput(KEYS[i]!, `X${KEYS[i]}`, 5 + i);
      t1.pipeInput(null, 'SomeVal', 42);
    },
    () => {
      for (let i = 0; i < 2; i++) t2.pipeInput(KEYS[i]!, `Y${KEYS[i]}`, 10 * i);
      t2.pipeInput(null, 'AnotherVal', 73);
    },
    () => {
      for (const k of KEYS) t1.pipeInput(k, `XX${k}`, 7);
    },
    () => {
      for (const k of KEYS) t2.pipeInput(k, `YY${k}`, k * 5);
    },
    () => {
      for (const k of KEYS) t1.pipeInput(k, `XXX${k}`, 6);
    },
    () => {
      t2.pipeInput(0, null, 5);
      t2.pipeInput(1, null, 7);
    },
    () => {
      for (const k of KEYS) t1.pipeInput(k, `XXXX${k}`, 13);
    },
    () => {
      t1.pipeInput(0, null, 0);
      t1.pipeInput(1, null, 42);
      t1.pipeInput(2, null, 5);
      t1.pipeInput(3, null, 20);
    },
  ];
  const outputs = steps.map((step) => {
    step();
    return read();
  });
  driver.close();
  return outputs;
}

const EXPECTED: Record<Join, Row[][]> = {
  join: [
    [],
    [
      [0, 'X0+Y0', 5],
      [1, 'X1+Y1', 10],
    ],
    [
      [0, 'XX0+Y0', 7],
      [1, 'XX1+Y1', 10],
    ],
    [
      [0, 'XX0+YY0', 7],
      [1, 'XX1+YY1', 7],
      [2, 'XX2+YY2', 10],
      [3, 'XX3+YY3', 15],
    ],
    [
      [0, 'XXX0+YY0', 6],
      [1, 'XXX1+YY1', 6],
      [2, 'XXX2+YY2', 10],
      [3, 'XXX3+YY3', 15],
    ],
    [
      [0, null, 6],
      [1, null, 7],
    ],
    [
      [2, 'XXXX2+YY2', 13],
      [3, 'XXXX3+YY3', 15],
    ],
    [
      [2, null, 10],
      [3, null, 20],
    ],
  ],
  leftJoin: [
    [
      [0, 'X0+null', 5],
      [1, 'X1+null', 6],
    ],
    [
      [0, 'X0+Y0', 5],
      [1, 'X1+Y1', 10],
    ],
    [
      [0, 'XX0+Y0', 7],
      [1, 'XX1+Y1', 10],
      [2, 'XX2+null', 7],
      [3, 'XX3+null', 7],
    ],
    [
      [0, 'XX0+YY0', 7],
      [1, 'XX1+YY1', 7],
      [2, 'XX2+YY2', 10],
      [3, 'XX3+YY3', 15],
    ],
    [
      [0, 'XXX0+YY0', 6],
      [1, 'XXX1+YY1', 6],
      [2, 'XXX2+YY2', 10],
      [3, 'XXX3+YY3', 15],
    ],
    [
      [0, 'XXX0+null', 6],
      [1, 'XXX1+null', 7],
    ],
    [
      [0, 'XXXX0+null', 13],
      [1, 'XXXX1+null', 13],
      [2, 'XXXX2+YY2', 13],
      [3, 'XXXX3+YY3', 15],
    ],
    [
      [0, null, 0],
      [1, null, 42],
      [2, null, 10],
      [3, null, 20],
    ],
  ],
  outerJoin: [],
};
// The outer join differs from the left join only when the left side deletes rows the right still has.
EXPECTED.outerJoin = [
  ...EXPECTED.leftJoin.slice(0, 7),
  [
    [0, null, 0],
    [1, null, 42],
    [2, 'null+YY2', 10],
    [3, 'null+YY3', 20],
  ],
];

describe('KTableKTable*JoinTest.testJoin', () => {
  for (const kind of ['join', 'leftJoin', 'outerJoin'] as const) {
    for (const materialized of [false, true]) {
      it(`${kind}${materialized ? ' (testQueryableJoin: Materialized)' : ''}`, () => {
        expect(runSteps(joinTopology(kind, materialized))).toEqual(EXPECTED[kind]);
      });
    }
  }
});

describe('table-table joins in the graph', () => {
  it('shouldAllowJoinUnmaterializedJoinedKTable / MaterializedJoinedKTable (StreamsBuilderTest)', () => {
    for (const materialized of [false, true]) {
      const builder = new StreamsBuilder();
      const table1 = builder.table<string, string>('table-topic1', Consumed.with(S, S));
      const table2 = builder.table<string, string>('table-topic2', Consumed.with(S, S));
      const stream = builder.stream<string, string>('stream-topic', Consumed.with(S, S));
      const joined = table1.join(table2, joiner, materialized ? Materialized.as('store') : undefined);
      stream.join(joined, joiner);
      const description = builder.build().describe();
      const nodes = description.subtopologies.flatMap((s) => s.nodes);
      const storesOf = (name: string) => nodes.find((n) => n.name === name && n.kind === 'processor');
      expect(description.subtopologies.flatMap((s) => s.stores)).toEqual(
        materialized
          ? ['table-topic1-STATE-STORE-0000000000', 'table-topic2-STATE-STORE-0000000003', 'store']
          : ['table-topic1-STATE-STORE-0000000000', 'table-topic2-STATE-STORE-0000000003'],
      );
      expect(storesOf('KSTREAM-JOIN-0000000010')).toMatchObject({
        stores: materialized
          ? ['store']
          : ['table-topic1-STATE-STORE-0000000000', 'table-topic2-STATE-STORE-0000000003'],
      });
      expect(storesOf('KTABLE-MERGE-0000000007')).toMatchObject({ stores: materialized ? ['store'] : [] });
      expect(storesOf('KTABLE-JOINTHIS-0000000008')).toMatchObject({
        stores: ['table-topic2-STATE-STORE-0000000003'],
      });
    }
  });

  function joinedCounts(table1: KTable<string, string>, table2: KTable<string, string>) {
    return table1
      .leftJoin(table2, (_product, category) => category ?? 'none')
      .groupBy((_item, category) => ({ key: category, value: category }), Grouped.with(S, S))
      .count();
  }

  it('an aggregation over a join result subtracts the old joined value (old values sent on request)', () => {
    const builder = new StreamsBuilder();
    const items = builder.table<string, string>('items', Consumed.with(S, S));
    const categories = builder.table<string, string>('categories', Consumed.with(S, S));
    joinedCounts(items, categories).toStream().to('per-category', Produced.with(S, L));
    const driver = new TopologyTestDriver(builder.build(), { cacheMaxBytes: 0 }, 0);
    const itemsIn = driver.createInputTopic('items', S, S);
    const categoriesIn = driver.createInputTopic('categories', S, S);
    itemsIn.pipeInput('i1', 'pen');
    itemsIn.pipeInput('i2', 'ink');
    categoriesIn.pipeInput('i1', 'office');
    categoriesIn.pipeInput('i1', 'school');
    itemsIn.pipeInput('i2', null);
    expect(driver.createOutputTopic('per-category', S, L).readKeyValuesToList()).toEqual([
      { key: 'none', value: 1 },
      { key: 'none', value: 2 },
      { key: 'none', value: 1 },
      { key: 'office', value: 1 },
      { key: 'office', value: 0 },
      { key: 'school', value: 1 },
      { key: 'none', value: 0 },
    ]);
    driver.close();
  });
});

describe('table-table joins against a model', () => {
  for (const kind of ['join', 'leftJoin', 'outerJoin'] as const) {
    it(`${kind}: the output's last value per key is the join of the two final tables`, () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.tuple(
              fc.boolean(),
              fc.constantFrom(0, 1, 2),
              fc.option(fc.constantFrom('x', 'y', 'z'), { nil: null }),
            ),
            { maxLength: 30 },
          ),
          fc.boolean(),
          (updates, materialized) => {
            const driver = new TopologyTestDriver(joinTopology(kind, materialized), { cacheMaxBytes: 0 }, 0);
            const t1 = driver.createInputTopic('topic1', I, S);
            const t2 = driver.createInputTopic('topic2', I, S);
            const left = new Map<number, string>();
            const right = new Map<number, string>();
            updates.forEach(([isLeft, key, value], i) => {
              const table = isLeft ? left : right;
              if (value === null) table.delete(key);
              else table.set(key, value);
              (isLeft ? t1 : t2).pipeInput(key, value, i);
            });
            const last = new Map<number, string | null>();
            for (const r of driver.createOutputTopic('output', I, S).readRecordsToList())
              last.set(r.key!, r.value);
            const expected = new Map<number, string>();
            for (const key of [0, 1, 2]) {
              const l = left.get(key) ?? null;
              const r = right.get(key) ?? null;
              const keep =
                kind === 'join'
                  ? l !== null && r !== null
                  : kind === 'leftJoin'
                    ? l !== null
                    : l !== null || r !== null;
              if (keep) expected.set(key, joiner(l, r));
            }
            const actual = new Map([...last].filter(([, v]) => v !== null) as [number, string][]);
            expect(actual).toEqual(expected);
            driver.close();
          },
        ),
        { numRuns: 80 },
      );
    });
  }
});
