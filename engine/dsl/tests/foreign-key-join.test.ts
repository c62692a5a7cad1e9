import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Consumed,
  EmbeddedLog,
  Grouped,
  KafkaStreams,
  type KTable,
  Materialized,
  type ProcessorContext,
  Produced,
  Serdes,
  Record as StreamRecord,
  StreamsBuilder,
  TableJoined,
  type TestOutputTopic,
  TopologyTestDriver,
} from '../../index.js';
import { responseJoinSupplier, valueHasher } from '../../processor/internals/foreign-key-join.js';
import type { KTableValueGetterSupplier } from '../../processor/internals/value-getters.js';

// Ports of Kafka Streams' KTableKTableForeignKeyJoinIntegrationTest (run there on the
// TopologyTestDriver too): the left value names its foreign key after a bar, "lhsValue1|rhs1".
// Each step compares the output's last value per key (tombstones included, as Kafka Streams'
// readKeyValuesToMap keeps them) and, when materialized, the result store.

const S = Serdes.String();
const BASE = 1_000;

function topology(
  leftJoin: boolean,
  materialized: boolean,
  extractor: (value: string) => string | null = (v) => v.split('|')[1]!,
) {
  const builder = new StreamsBuilder();
  const left = builder.table<string, string>('left_table', Consumed.with(S, S));
  const right = builder.table<string, string>('right_table', Consumed.with(S, S));
  const joiner = (a: string | null, b: string | null) => `(${a},${b})`;
  // As the Kafka Streams test: uncached, so every tombstone shows.
  const store = materialized
    ? Materialized.as<string, string>('store').withValueSerde(S).withCachingDisabled()
    : Materialized.with<string, string>(undefined, S).withCachingDisabled();
  const result: KTable<string, string> = leftJoin
    ? left.leftJoin(right, extractor, joiner, undefined, store)
    : left.join(right, extractor, joiner, undefined, store);
  result.toStream().to('output-topic', Produced.with(S, S));
  return builder.build();
}

function setUp(leftJoin: boolean, materialized: boolean, extractor?: (value: string) => string | null) {
  const driver = new TopologyTestDriver(topology(leftJoin, materialized, extractor), {}, 0);
  const left = driver.createInputTopic('left_table', S, S);
  const right = driver.createInputTopic('right_table', S, S);
  const output = driver.createOutputTopic('output-topic', S, S);
  const store = () =>
    materialized
      ? Object.fromEntries(
          [...driver.getKeyValueStore<string, string>('store').all()].map((kv) => [kv.key, kv.value]),
        )
      : null;
  return { driver, left, right, read: () => lastPerKey(output), store };
}

/** Kafka Streams' readKeyValuesToMap: the last value per key, a tombstone as null. */
function lastPerKey(output: TestOutputTopic<string, string>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const r of output.readRecordsToList()) out[r.key!] = r.value;
  return out;
}

const cases = [false, true].flatMap((leftJoin) =>
  [false, true].map((materialized) => ({ leftJoin, materialized })),
);
const label = ({ leftJoin, materialized }: { leftJoin: boolean; materialized: boolean }) =>
  `${leftJoin ? 'leftJoin' : 'join'}${materialized ? ', materialized' : ''}`;

describe('foreign-key table join (KTableKTableForeignKeyJoinIntegrationTest)', () => {
  for (const c of cases) {
    const { leftJoin, materialized } = c;
    const expectStore = (t: ReturnType<typeof setUp>, expected: Record<string, string>) => {
      if (materialized) expect(t.store()).toEqual(expected);
    };

    it(`doJoinFromLeftThenDeleteLeftEntity (${label(c)})`, () => {
      const t = setUp(leftJoin, materialized);
      t.right.pipeInput('rhs1', 'rhsValue1', BASE);
      t.right.pipeInput('rhs2', 'rhsValue2', BASE + 1);
      t.right.pipeInput('rhs3', 'rhsValue3', BASE + 2);
      expect(t.read()).toEqual({});
      expectStore(t, {});
      t.left.pipeInput('lhs1', 'lhsValue1|rhs1', BASE + 3);
      t.left.pipeInput('lhs2', 'lhsValue2|rhs2', BASE + 4);
      const both = { lhs1: '(lhsValue1|rhs1,rhsValue1)', lhs2: '(lhsValue2|rhs2,rhsValue2)' };
      expect(t.read()).toEqual(both);
      expectStore(t, both);
      t.left.pipeInput('lhs3', 'lhsValue3|rhs1', BASE + 5);
      expect(t.read()).toEqual({ lhs3: '(lhsValue3|rhs1,rhsValue1)' });
      expectStore(t, { ...both, lhs3: '(lhsValue3|rhs1,rhsValue1)' });
      t.left.pipeInput('lhs1', null, BASE + 6);
      expect(t.read()).toEqual({ lhs1: null });
      expectStore(t, { lhs2: '(lhsValue2|rhs2,rhsValue2)', lhs3: '(lhsValue3|rhs1,rhsValue1)' });
      t.driver.close();
    });

    it(`doJoinFromRightThenDeleteRightEntity (${label(c)})`, () => {
      const t = setUp(leftJoin, materialized);
      t.left.pipeInput('lhs1', 'lhsValue1|rhs1', BASE);
      t.left.pipeInput('lhs2', 'lhsValue2|rhs2', BASE + 1);
      t.left.pipeInput('lhs3', 'lhsValue3|rhs1', BASE + 2);
      const halves = {
        lhs1: '(lhsValue1|rhs1,null)',
        lhs2: '(lhsValue2|rhs2,null)',
        lhs3: '(lhsValue3|rhs1,null)',
      };
      expect(t.read()).toEqual(leftJoin ? halves : {});
      expectStore(t, leftJoin ? halves : {});
      t.right.pipeInput('rhs1', 'rhsValue1', BASE + 3);
      const rhs1 = { lhs1: '(lhsValue1|rhs1,rhsValue1)', lhs3: '(lhsValue3|rhs1,rhsValue1)' };
      expect(t.read()).toEqual(rhs1);
      expectStore(t, leftJoin ? { ...halves, ...rhs1 } : rhs1);
      t.right.pipeInput('rhs2', 'rhsValue2', BASE + 4);
      expect(t.read()).toEqual({ lhs2: '(lhsValue2|rhs2,rhsValue2)' });
      const all = { ...rhs1, lhs2: '(lhsValue2|rhs2,rhsValue2)' };
      expectStore(t, all);
      t.right.pipeInput('rhs3', 'rhsValue3', BASE + 5);
      expect(t.read()).toEqual({});
      expectStore(t, all);
      t.right.pipeInput('rhs1', null, BASE + 6);
      expect(t.read()).toEqual({
        lhs1: leftJoin ? '(lhsValue1|rhs1,null)' : null,
        lhs3: leftJoin ? '(lhsValue3|rhs1,null)' : null,
      });
      expectStore(
        t,
        leftJoin
          ? {
              lhs1: '(lhsValue1|rhs1,null)',
              lhs2: '(lhsValue2|rhs2,rhsValue2)',
              lhs3: '(lhsValue3|rhs1,null)',
            }
          : { lhs2: '(lhsValue2|rhs2,rhsValue2)' },
      );
      t.driver.close();
    });

    it(`shouldEmitTombstoneWhenDeletingNonJoiningRecords (${label(c)})`, () => {
      const t = setUp(leftJoin, materialized);
      t.left.pipeInput('lhs1', 'lhsValue1|rhs1', BASE);
      const expected: Record<string, string> = leftJoin ? { lhs1: '(lhsValue1|rhs1,null)' } : {};
      expect(t.read()).toEqual(expected);
      expectStore(t, expected);
      t.left.pipeInput('lhs1', null, BASE + 1);
      expect(t.read()).toEqual({ lhs1: null });
      expectStore(t, {});
      t.left.pipeInput('lhs1', null, BASE + 2);
      expect(t.read()).toEqual({});
      expectStore(t, {});
      t.driver.close();
    });

    it(`shouldNotEmitTombstonesWhenDeletingNonExistingRecords (${label(c)})`, () => {
      const t = setUp(leftJoin, materialized);
      t.left.pipeInput('lhs1', null, BASE);
      expect(t.read()).toEqual({});
      expectStore(t, {});
      t.driver.close();
    });

    it(`joinShouldProduceNullsWhenValueHasNonMatchingForeignKey (${label(c)})`, () => {
      const t = setUp(leftJoin, materialized);
      const half = (fk: string) => ({ lhs1: `(lhsValue1|${fk},null)` });
      t.left.pipeInput('lhs1', 'lhsValue1|rhs1', BASE);
      expect(t.read()).toEqual(leftJoin ? half('rhs1') : {});
      expectStore(t, leftJoin ? half('rhs1') : {});
      t.left.pipeInput('lhs1', 'lhsValue1|rhs2', BASE + 1);
      expect(t.read()).toEqual({ lhs1: leftJoin ? '(lhsValue1|rhs2,null)' : null });
      expectStore(t, leftJoin ? half('rhs2') : {});
      t.left.pipeInput('lhs1', 'lhsValue1|rhs3', BASE + 2);
      expect(t.read()).toEqual({ lhs1: leftJoin ? '(lhsValue1|rhs3,null)' : null });
      expectStore(t, leftJoin ? half('rhs3') : {});
      t.right.pipeInput('rhs1', 'rhsValue1', BASE + 3);
      expect(t.read()).toEqual({});
      expectStore(t, leftJoin ? half('rhs3') : {});
      t.left.pipeInput('lhs1', 'lhsValue1|rhs1', BASE + 4);
      expect(t.read()).toEqual({ lhs1: '(lhsValue1|rhs1,rhsValue1)' });
      expectStore(t, { lhs1: '(lhsValue1|rhs1,rhsValue1)' });
      t.left.pipeInput('lhs1', 'lhsValue1|rhs2', BASE + 5);
      expect(t.read()).toEqual({ lhs1: leftJoin ? '(lhsValue1|rhs2,null)' : null });
      expectStore(t, leftJoin ? half('rhs2') : {});
      t.driver.close();
    });

    it(`shouldUnsubscribeOldForeignKeyIfLeftSideIsUpdated (${label(c)})`, () => {
      const t = setUp(leftJoin, materialized);
      t.right.pipeInput('rhs1', 'rhsValue1', BASE);
      t.right.pipeInput('rhs2', 'rhsValue2', BASE + 1);
      expect(t.read()).toEqual({});
      t.left.pipeInput('lhs1', 'lhsValue1|rhs1', BASE + 2);
      expect(t.read()).toEqual({ lhs1: '(lhsValue1|rhs1,rhsValue1)' });
      t.left.pipeInput('lhs1', 'lhsValue1|rhs2', BASE + 3);
      expect(t.read()).toEqual({ lhs1: '(lhsValue1|rhs2,rhsValue2)' });
      expectStore(t, { lhs1: '(lhsValue1|rhs2,rhsValue2)' });
      t.right.pipeInput('rhs1', 'rhsValue1Delta', BASE + 4);
      expect(t.read()).toEqual({});
      expectStore(t, { lhs1: '(lhsValue1|rhs2,rhsValue2)' });
      t.driver.close();
    });
  }

  for (const materialized of [false, true]) {
    it(`shouldEmitRecordOnNullForeignKeyForLeftJoins / shouldEmitRecordWhenOldAndNewFkDiffer${materialized ? ' (materialized)' : ''}`, () => {
      const t = setUp(true, materialized, (v) => {
        const fk = v.split('|')[1]!;
        return fk === 'returnNull' ? null : fk;
      });
      t.left.pipeInput('lhs1', 'lhsValue1|rhs1', BASE);
      expect(t.read()).toEqual({ lhs1: '(lhsValue1|rhs1,null)' });
      t.left.pipeInput('lhs1', 'lhsValue1|returnNull', BASE);
      expect(t.read()).toEqual({ lhs1: '(lhsValue1|returnNull,null)' });
      if (materialized) expect(t.store()).toEqual({ lhs1: '(lhsValue1|returnNull,null)' });
      t.driver.close();
    });
  }

  it('an inner join skips (and counts) a row whose foreign key is null', async () => {
    const t = setUp(false, false, () => null);
    t.left.pipeInput('lhs1', 'lhsValue1|x', BASE);
    expect(t.read()).toEqual({});
    const dropped = await t.driver.metrics().getSingleMetric('rivulet_dropped_records_total')?.get();
    expect(dropped?.values.find((v) => v.labels.reason === 'null-foreign-key')?.value).toBe(1);
    t.driver.close();
  });

  it('stamps results with the later of the two rows, as Kafka Streams', () => {
    const builder = new StreamsBuilder();
    const left = builder.table<string, string>('left_table', Consumed.with(S, S));
    const right = builder.table<string, string>('right_table', Consumed.with(S, S));
    left
      .join(
        right,
        (v) => v.split('|')[1]!,
        (a, b) => `${a}+${b}`,
      )
      .toStream()
      .to('out', Produced.with(S, S));
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    driver.createInputTopic('right_table', S, S).pipeInput('r', 'R', 50);
    driver.createInputTopic('left_table', S, S).pipeInput('l', 'L|r', 10);
    driver.createInputTopic('right_table', S, S).pipeInput('r', 'R2', 30);
    const out = driver.createOutputTopic('out', S, S).readRecordsToList();
    expect(out.map((r) => [r.key, r.value, r.timestampMs])).toEqual([
      ['l', 'L|r+R', 50],
      ['l', 'L|r+R2', 30],
    ]);
    driver.close();
  });

  it('names topics, nodes and stores as Kafka Streams (KTableKTableForeignKeyJoinScenarioTest), or after TableJoined', () => {
    const builder = new StreamsBuilder();
    const left = builder.table<number, string>('left_table', Consumed.with(Serdes.Integer(), S));
    const right = builder.table<number, string>('right_table', Consumed.with(Serdes.Integer(), S));
    left
      .join(
        right,
        (v) => Number(v.split('|')[1]),
        (a, b) => `(${a},${b})`,
      )
      .toStream()
      .to('output-topic');
    left
      .leftJoin(
        right,
        (v) => Number(v.split('|')[1]),
        (a, b) => `${a}${b}`,
        TableJoined.as('named'),
      )
      .toStream()
      .to('named-output');
    const topology = builder.build();
    const internal = topology.internal;
    expect([...internal.repartitionTopics.keys()]).toEqual([
      'KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic',
      'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic',
      'named-subscription-registration-topic',
      'named-subscription-response-topic',
    ]);
    expect([...internal.stores.keys()].sort()).toEqual(
      [
        'left_table-STATE-STORE-0000000000',
        'right_table-STATE-STORE-0000000003',
        'KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000010',
        'named-subscription-store',
      ].sort(),
    );
    const description = topology.describe().toString();
    for (const node of [
      'KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000007',
      'KTABLE-SINK-0000000008',
      'KTABLE-SOURCE-0000000009',
      'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000011',
      'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000012',
      'KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000013',
      'KTABLE-SINK-0000000015',
      'KTABLE-SOURCE-0000000016',
      'KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-0000000017',
      'KTABLE-FK-JOIN-OUTPUT-0000000018',
      'named-subscription-registration-processor',
      'named-subscription-receive',
      'named-subscription-join-foreign',
      'named-foreign-join-subscription',
      'named-subscription-response-resolver',
      'named-result',
    ])
      expect(description).toContain(node);
  });
});

// Port of Kafka Streams' ResponseJoinProcessorSupplierTest: the resolver alone, with a getter over
// a map, fed answers directly — the one place a stale answer (an older value's hash) is seen.
describe('foreign-key join response resolver (ResponseJoinProcessorSupplierTest)', () => {
  const hash = valueHasher(S);
  function resolver(leftJoin: boolean, current: string | null) {
    const forwarded: { key: string; value: string | null; timestampMs: number }[] = [];
    const dropped: string[] = [];
    const getter: KTableValueGetterSupplier<string, string> = {
      storeNames: [],
      get: () => ({
        init: () => {},
        get: () => (current === null ? null : { value: current, timestampMs: 0 }),
        isVersioned: () => false,
      }),
    };
    const processor = responseJoinSupplier(getter, hash, (a, b) => `(${a},${b})`, leftJoin).get();
    const context = {
      forward: (r: StreamRecord<string, string | null>) =>
        forwarded.push({ key: r.key, value: r.value, timestampMs: r.timestampMs }),
      recordDropped: (reason: string) => dropped.push(reason),
    };
    processor.init?.(context as unknown as ProcessorContext<string, string | null>);
    const answer = (valueHash: Buffer | null, foreignValue: string | null) =>
      processor.process(new StreamRecord('lhs1', { hash: valueHash, foreignValue, primaryPartition: 0 }, 0));
    return { forwarded, dropped, answer };
  }

  it('shouldNotForwardWhenHashDoesNotMatch', () => {
    const r = resolver(false, 'lhsValue');
    r.answer(hash('oldLhsValue'), 'rhsValue');
    expect(r.forwarded).toEqual([]);
    expect(r.dropped).toEqual(['stale-foreign-key-join-response']);
  });

  it('shouldIgnoreUpdateWhenLeftHasBecomeNull', () => {
    const r = resolver(false, null);
    r.answer(hash('lhsValue'), 'rhsValue');
    expect(r.forwarded).toEqual([]);
  });

  it('shouldForwardWhenHashMatches', () => {
    const r = resolver(false, 'lhsValue');
    r.answer(hash('lhsValue'), 'rhsValue');
    expect(r.forwarded).toEqual([{ key: 'lhs1', value: '(lhsValue,rhsValue)', timestampMs: 0 }]);
  });

  it('shouldEmitTombstoneForInnerJoinWhenRightIsNull', () => {
    const r = resolver(false, 'lhsValue');
    r.answer(hash('lhsValue'), null);
    expect(r.forwarded).toEqual([{ key: 'lhs1', value: null, timestampMs: 0 }]);
  });

  it('shouldEmitResultForLeftJoinWhenRightIsNull', () => {
    const r = resolver(true, 'lhsValue');
    r.answer(hash('lhsValue'), null);
    expect(r.forwarded).toEqual([{ key: 'lhs1', value: '(lhsValue,null)', timestampMs: 0 }]);
  });

  it('shouldEmitTombstoneForLeftJoinWhenRightIsNullAndLeftIsNull', () => {
    const r = resolver(true, null);
    r.answer(null, null);
    expect(r.forwarded).toEqual([{ key: 'lhs1', value: null, timestampMs: 0 }]);
  });
});

// The model: after any sequence of updates and deletes on either side (foreign keys changing, going
// missing, coming back), the result table equals the join of the final tables.
describe('foreign-key join against a model (fast-check)', () => {
  for (const leftJoin of [false, true]) {
    for (const materialized of [false, true]) {
      it(`${leftJoin ? 'leftJoin' : 'join'}${materialized ? ', materialized' : ''}: the output's final table equals the join of the final tables`, () => {
        const update = fc.oneof(
          fc.record({
            side: fc.constant<'left'>('left'),
            key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
            value: fc.option(
              fc.tuple(
                fc.constantFrom('p', 'q', 'r'),
                fc.option(fc.constantFrom('f1', 'f2', 'f3', 'f4'), { nil: null }),
              ),
              { nil: null },
            ),
          }),
          fc.record({
            side: fc.constant<'right'>('right'),
            key: fc.constantFrom('f1', 'f2', 'f3', 'f4'),
            value: fc.option(fc.constantFrom('X', 'Y', 'Z'), { nil: null }),
          }),
        );
        fc.assert(
          fc.property(fc.array(update, { maxLength: 40 }), (updates) => {
            // Left values are "<v>|<fk>" ("<v>|" for no foreign key).
            const t = setUp(leftJoin, materialized, (v) => v.split('|')[1] || null);
            const left = new Map<string, string>();
            const right = new Map<string, string>();
            const output: Record<string, string | null> = {};
            let time = 0;
            for (const u of updates) {
              if (u.side === 'left') {
                const value = u.value === null ? null : `${u.value[0]}|${u.value[1] ?? ''}`;
                t.left.pipeInput(u.key, value, time++);
                if (value === null) left.delete(u.key);
                else left.set(u.key, value);
              } else {
                t.right.pipeInput(u.key, u.value, time++);
                if (u.value === null) right.delete(u.key);
                else right.set(u.key, u.value);
              }
              Object.assign(output, t.read());
            }
            const expected: Record<string, string> = {};
            for (const [key, value] of left) {
              const fk = value.split('|')[1] || null;
              const other = fk === null ? undefined : right.get(fk);
              if (other !== undefined) expected[key] = `(${value},${other})`;
              else if (leftJoin) expected[key] = `(${value},null)`;
            }
            const finalTable = Object.fromEntries(Object.entries(output).filter(([, v]) => v !== null));
            expect(finalTable).toEqual(expected);
            if (materialized) expect(t.store()).toEqual(expected);
            t.driver.close();
          }),
          { numRuns: 60 },
        );
      });
    }
  }
});

describe('foreign-key join co-partitioning', () => {
  it('refuses to start when the foreign table comes through a repartition topic of another partition count, naming both', async () => {
    const cluster = `fk-copartition-${Date.now()}`;
    EmbeddedLog.named(cluster).createTopic('orders', 4).createTopic('events', 2);
    const builder = new StreamsBuilder();
    const counts = builder
      .stream<string, string>('events', Consumed.with(S, S))
      .groupBy((_k, v) => v, Grouped.with(S, S))
      .count();
    builder.table<string, string>('orders', Consumed.with(S, S)).join(
      counts,
      (v) => v,
      (order, n) => `${order}:${n}`,
    );
    const streams = new KafkaStreams(builder.build(), {
      applicationId: 'fk-copartition',
      bootstrapServers: `memory://${cluster}`,
      stateDir: mkdtempSync(join(tmpdir(), 'rivulet-fk-')),
    });
    await expect(streams.start()).rejects.toThrow(
      /co-partitioned inputs of sub-topology \d disagree on the partition count: .*-repartition has 2, .*SUBSCRIPTION-REGISTRATION.*-topic has 4/,
    );
    await streams.close();
    EmbeddedLog.reset(cluster);
  });

  it('joins a foreign table from an aggregation when the counts agree (the foreign side is sized after the primary side)', async () => {
    const cluster = `fk-aggregated-${Date.now()}`;
    const log = EmbeddedLog.named(cluster)
      .createTopic('orders', 4)
      .createTopic('events', 4)
      .createTopic('out', 4);
    const builder = new StreamsBuilder();
    const counts = builder
      .stream<string, string>('events', Consumed.with(S, S))
      .groupBy((_k, v) => v, Grouped.with(S, S))
      .count();
    builder
      .table<string, string>('orders', Consumed.with(S, S))
      .join(
        counts,
        (v) => v,
        (order, n) => `${order}:${n}`,
      )
      .toStream()
      .to('out', Produced.with(S, S));
    const streams = new KafkaStreams(builder.build(), {
      applicationId: 'fk-aggregated',
      bootstrapServers: `memory://${cluster}`,
      stateDir: mkdtempSync(join(tmpdir(), 'rivulet-fk-')),
      commitIntervalMs: 20,
    });
    await streams.start();
    log.produce(
      'events',
      [1, 2, 3].map((i) => ({ key: `e${i}`, value: 'p1' })),
      S,
      S,
    );
    log.produce('orders', [{ key: 'o1', value: 'p1' }], S, S);
    const deadline = Date.now() + 10_000;
    const last = () =>
      log
        .read('out', S, S)
        .filter((r) => r.key === 'o1')
        .at(-1)?.value;
    while (last() !== 'p1:3' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(last()).toBe('p1:3');
    await streams.close();
    EmbeddedLog.reset(cluster);
  });
});
