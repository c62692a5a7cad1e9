import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Consumed,
  Grouped,
  Joined,
  Materialized,
  Produced,
  Serdes,
  Stores,
  StreamsBuilder,
  TopologyTestDriver,
} from '../../index.js';

// Tables kept in a versioned store (KIP-889) and Kafka Streams' versioned semantics (KIP-914):
// a stream-table join reads the table as of each stream record's time; an out-of-order table
// update goes into the history and is skipped by aggregations and table-table joins.

const S = Serdes.String();
const versioned = (name: string) =>
  Materialized.as<string, string>(Stores.persistentVersionedKeyValueStore(name, 1_000));

describe('versioned tables', () => {
  it('a stream-table join looks the table up as of each stream record, out-of-order updates included', () => {
    const builder = new StreamsBuilder();
    const prices = builder.table<string, string>('prices', Consumed.with(S, S), versioned('prices'));
    builder
      .stream<string, string>('orders', Consumed.with(S, S))
      .leftJoin(prices, (order, price) => `${order}@${price}`)
      .to('priced', Produced.with(S, S));
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const priceInput = driver.createInputTopic('prices', S, S);
    const orders = driver.createInputTopic('orders', S, S);
    priceInput.pipeInput('p', '10', 100);
    priceInput.pipeInput('p', '20', 200);
    orders.pipeInput('p', 'o1', 150); // as of 150: 10
    orders.pipeInput('p', 'o2', 250); // as of 250: 20
    priceInput.pipeInput('p', '15', 170); // out of order: history only
    orders.pipeInput('p', 'o3', 180); // as of 180: 15
    orders.pipeInput('p', 'o4', 90); // before any price
    priceInput.pipeInput('p', null, 300);
    orders.pipeInput('p', 'o5', 310); // deleted at 300
    expect(
      driver
        .createOutputTopic('priced', S, S)
        .readKeyValuesToList()
        .map((kv) => kv.value),
    ).toEqual(['o1@10', 'o2@20', 'o3@15', 'o4@null', 'o5@null']);
    const store = driver.getVersionedKeyValueStore<string, string>('prices');
    expect(store.get('p', 199)).toEqual({ value: '15', timestampMs: 170, validToMs: 200 });
    expect(store.get('p')).toBeNull();
    driver.close();
  });

  it('an out-of-order update is forwarded by toStream, but changes no aggregation and no table-table join', () => {
    const builder = new StreamsBuilder();
    const table = builder.table<string, string>('input', Consumed.with(S, S), versioned('versioned'));
    table.toStream().to('changes', Produced.with(S, S));
    table
      .groupBy((key, value) => ({ key: value, value: key }), Grouped.with(S, S))
      .count()
      .toStream()
      .to('counts', Produced.with(S, Serdes.Long()));
    const other = builder.table<string, string>('other', Consumed.with(S, S));
    table
      .join(other, (a, b) => `${a}+${b}`)
      .toStream()
      .to('joined', Produced.with(S, S));
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const input = driver.createInputTopic('input', S, S);
    driver.createInputTopic('other', S, S).pipeInput('k', 'o', 0);
    input.pipeInput('k', 'A', 100);
    input.pipeInput('k', 'B', 50); // older than the latest: history only
    input.pipeInput('k', 'C', 150);
    expect(driver.createOutputTopic('changes', S, S).readValuesToList()).toEqual(['A', 'B', 'C']);
    expect(driver.createOutputTopic('counts', S, Serdes.Long()).readKeyValuesToList()).toEqual([
      { key: 'A', value: 1 },
      { key: 'A', value: 0 },
      { key: 'C', value: 1 },
    ]);
    expect(driver.createOutputTopic('joined', S, S).readValuesToList()).toEqual(['A+o', 'C+o']);
    driver.close();
  });

  it('an update older than the history retention is dropped and counted', async () => {
    const builder = new StreamsBuilder();
    builder
      .table<string, string>('input', Consumed.with(S, S), versioned('versioned'))
      .toStream()
      .to('changes', Produced.with(S, S));
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const input = driver.createInputTopic('input', S, S);
    input.pipeInput('k', 'new', 5_000);
    input.pipeInput('k', 'ancient', 100); // 100 < 5000 − 1000
    expect(driver.createOutputTopic('changes', S, S).readValuesToList()).toEqual(['new']);
    const dropped = await driver.metrics().getSingleMetric('rivulet_dropped_records_total')?.get();
    expect(dropped?.values.find((v) => v.labels.reason === 'expired-versioned-put')?.value).toBe(1);
    driver.close();
  });

  it('refuses a versioned store where only a plain one can be', () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream<string, string>('input', Consumed.with(S, S));
    expect(() => stream.groupByKey().count(versioned('counts') as never)).toThrow(
      /store counts: a versioned store keeps a table read from a topic/,
    );
  });
});

// Ports of Kafka Streams' KStreamKTableJoinTest grace-period cases: stream records at times 0..3
// (value "X<key>"), table rows at time 0, grace 2 ms, an inner join "X0+Y0".
describe('stream-table join with a grace period (KStreamKTableJoinTest)', () => {
  const I = Serdes.Integer();
  function makeJoin(graceMs: number, versionedTable = true) {
    const builder = new StreamsBuilder();
    const table = builder.table<number, string>(
      'tableTopic2',
      Consumed.with(I, S),
      versionedTable
        ? Materialized.as<number, string>(Stores.persistentVersionedKeyValueStore('V-grace', 300_000))
        : Materialized.as<number, string>('plain'),
    );
    builder
      .stream<number, string>('streamTopic', Consumed.with(I, S))
      .join(table, (v, t) => `${v}+${t}`, Joined.with(I, S, S).withName('Grace').withGracePeriod(graceMs))
      .to('out', Produced.with(I, S));
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const stream = driver.createInputTopic('streamTopic', I, S, 0, 0);
    const tableInput = driver.createInputTopic('tableTopic2', I, S, 0, 0);
    const out = driver.createOutputTopic('out', I, S);
    return {
      driver,
      pushToStream: (n: number, prefix: string) => {
        for (let i = 0; i < n; i++) stream.pipeInput(i, `${prefix}${i}`, i);
      },
      pushToTable: (n: number, prefix: string) => {
        for (let i = 0; i < n; i++) tableInput.pipeInput(i, `${prefix}${i}`, 0);
      },
      pipe: (key: number, value: string, t: number) => stream.pipeInput(key, value, t),
      read: () => out.readRecordsToList().map((r) => [r.key, r.value, r.timestampMs]),
    };
  }

  it('shouldDelayJoinByGracePeriod', () => {
    const t = makeJoin(2);
    t.pushToTable(4, 'Y');
    expect(t.read()).toEqual([]);
    t.pushToStream(4, 'X');
    expect(t.read()).toEqual([
      [0, 'X0+Y0', 0],
      [1, 'X1+Y1', 1],
    ]);
    t.pushToTable(4, 'YY');
    expect(t.read()).toEqual([]);
    t.pushToStream(4, 'X');
    expect(t.read()).toEqual([
      [0, 'X0+YY0', 0],
      [1, 'X1+YY1', 1],
    ]);
    t.pipe(5, 'test', 7);
    expect(t.read()).toEqual([
      [2, 'X2+YY2', 2],
      [2, 'X2+YY2', 2],
      [3, 'X3+YY3', 3],
      [3, 'X3+YY3', 3],
    ]);
    t.pushToTable(4, 'YYY');
    expect(t.read()).toEqual([]);
    t.driver.close();
  });

  it('shouldHandleLateJoinsWithGracePeriod', () => {
    const t = makeJoin(2);
    t.pushToTable(4, 'Y');
    t.pushToStream(4, 'X');
    expect(t.read()).toEqual([
      [0, 'X0+Y0', 0],
      [1, 'X1+Y1', 1],
    ]);
    t.pushToStream(1, 'X'); // late: joined at once, nothing else evicted
    expect(t.read()).toEqual([[0, 'X0+Y0', 0]]);
    t.driver.close();
  });

  it('shouldFailIfTableIsNotVersioned', () => {
    expect(() => makeJoin(2, false)).toThrow(/needs a versioned table/);
  });
});

// The model: each stream record joins the table's value as of its own timestamp, taken from every
// table update processed before the record is joined — at once, or, with a grace period, once
// stream time has passed its timestamp + grace (late records at once); joins in timestamp order.
describe('temporal stream-table join against a model (fast-check)', () => {
  const event = fc.oneof(
    fc.record({
      side: fc.constant<'table'>('table'),
      key: fc.constantFrom('a', 'b'),
      value: fc.option(fc.constantFrom('1', '2', '3'), { nil: null }),
      t: fc.integer({ min: 0, max: 60 }),
    }),
    fc.record({
      side: fc.constant<'stream'>('stream'),
      key: fc.constantFrom('a', 'b'),
      t: fc.integer({ min: 0, max: 60 }),
    }),
  );
  for (const graceMs of [undefined, 5]) {
    it(`${graceMs === undefined ? 'no grace' : `grace ${graceMs} ms`}: every stream record joins the version valid at its time`, () => {
      fc.assert(
        fc.property(fc.array(event, { maxLength: 30 }), (events) => {
          const builder = new StreamsBuilder();
          const table = builder.table<string, string>('table', Consumed.with(S, S), versioned('versions'));
          const joined = Joined.with(S, S, S);
          builder
            .stream<string, string>('stream', Consumed.with(S, S))
            .leftJoin(
              table,
              (v, t) => `${v}=${t}`,
              graceMs === undefined ? joined : joined.withGracePeriod(graceMs),
            )
            .to('out', Produced.with(S, S));
          const driver = new TopologyTestDriver(builder.build(), {}, 0);
          const tableIn = driver.createInputTopic('table', S, S);
          const streamIn = driver.createInputTopic('stream', S, S);
          const puts = new Map<string, { t: number; v: string | null }[]>();
          const asOf = (key: string, t: number) => {
            const versions = (puts.get(key) ?? []).filter((p) => p.t <= t);
            const best = versions.reduce<{ t: number; v: string | null } | null>(
              (acc, p) => (acc === null || p.t >= acc.t ? p : acc),
              null,
            );
            return best?.v ?? null;
          };
          const expected: string[] = [];
          let pending: { key: string; t: number; seq: number; value: string }[] = [];
          let streamTime = -1;
          events.forEach((e, i) => {
            if (e.side === 'table') {
              tableIn.pipeInput(e.key, e.value, e.t);
              const list = (puts.get(e.key) ?? []).filter((p) => p.t !== e.t);
              list.push({ t: e.t, v: e.value });
              puts.set(e.key, list);
              return;
            }
            const value = `s${i}`;
            streamIn.pipeInput(e.key, value, e.t);
            streamTime = Math.max(streamTime, e.t);
            if (graceMs === undefined || e.t < streamTime - graceMs) {
              expected.push(`${value}=${asOf(e.key, e.t)}`);
              return;
            }
            pending.push({ key: e.key, t: e.t, seq: i, value });
            if (streamTime - graceMs < 0) return;
            const due = pending
              .filter((p) => p.t <= streamTime - graceMs)
              .sort((a, b) => a.t - b.t || a.seq - b.seq);
            pending = pending.filter((p) => p.t > streamTime - graceMs);
            for (const p of due) expected.push(`${p.value}=${asOf(p.key, p.t)}`);
          });
          expect(driver.createOutputTopic('out', S, S).readValuesToList()).toEqual(expected);
          driver.close();
        }),
        { numRuns: 80 },
      );
    });
  }
});
