// Stream-stream joins, ported from Kafka Streams' KStreamKStream{Left,Outer}JoinTest: the same
// windows, inputs and expected outputs (TOSTRING_JOINER is `${a}+${b}`). Kafka Streams' tests set
// the outer-join emit interval to 0; rivulet always checks on each record (docs/dsl.md).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Consumed,
  JoinWindows,
  type KStream,
  Produced,
  type Serde,
  Serdes,
  StreamJoined,
  StreamsBuilder,
  TopologyError,
  TopologyTestDriver,
} from '../../index.js';

const I = Serdes.Integer();
const S = Serdes.String();
const L = Serdes.Long();
const joiner = (a: unknown, b: unknown) => `${a}+${b}`;
type Row = [number | null, string | null, number];

type Kind = 'join' | 'leftJoin' | 'outerJoin';

function setUp<V2>(kind: Kind, windows: JoinWindows, rightSerde: Serde<V2>) {
  const builder = new StreamsBuilder();
  const stream1 = builder.stream<number, string>('topic1', Consumed.with(I, S));
  const stream2 = builder.stream<number, V2>('topic2', Consumed.with(I, rightSerde));
  const joined: KStream<number, string> =
    kind === 'outerJoin'
      ? stream1.outerJoin(stream2, joiner, windows, StreamJoined.with(I, S, rightSerde))
      : kind === 'leftJoin'
        ? stream1.leftJoin(stream2, joiner, windows, StreamJoined.with(I, S, rightSerde))
        : stream1.join(stream2, joiner, windows, StreamJoined.with(I, S, rightSerde));
  joined.to('output', Produced.with(I, S));
  const driver = new TopologyTestDriver(builder.build(), { cacheMaxBytes: 0 }, 0);
  const out = driver.createOutputTopic('output', I, S);
  return {
    driver,
    left: driver.createInputTopic('topic1', I, S),
    right: driver.createInputTopic('topic2', I, rightSerde),
    /** Kafka Streams' checkAndClearProcessResult. */
    results: (): Row[] => out.readRecordsToList().map((r) => [r.key, r.value, r.timestampMs]),
  };
}

describe('KStreamKStreamLeftJoinTest', () => {
  it('testLeftJoinDuplicates', () => {
    const t = setUp('leftJoin', JoinWindows.ofTimeDifferenceAndGrace(100, 10), S);
    t.left.pipeInput(0, 'A0', 0);
    t.left.pipeInput(0, 'A0-0', 0);
    t.right.pipeInput(1, 'a0', 111);
    t.right.pipeInput(2, 'dummy', 500);
    expect(t.results()).toEqual([
      [0, 'A0+null', 0],
      [0, 'A0-0+null', 0],
    ]);
    t.left.pipeInput(2, 'A2', 1000);
    t.left.pipeInput(2, 'A2-0', 1000);
    t.right.pipeInput(2, 'a2', 1001);
    expect(t.results()).toEqual([
      [2, 'A2+a2', 1001],
      [2, 'A2-0+a2', 1001],
    ]);
    t.right.pipeInput(3, 'a3', 315);
    expect(t.results()).toEqual([]);
    t.driver.close();
  });

  for (const emitter of ['Left', 'Right'] as const) {
    it(`testLeftExpiredNonJoinedRecordsAreEmittedByThe${emitter}Processor`, () => {
      const t = setUp('leftJoin', JoinWindows.ofTimeDifferenceAndGrace(100, 0), S);
      t.left.pipeInput(0, 'A0', 1);
      t.left.pipeInput(1, 'A1', 2);
      t.left.pipeInput(0, 'A0-0', 3);
      expect(t.results()).toEqual([]);
      t.right.pipeInput(1, 'a1', 3);
      expect(t.results()).toEqual([[1, 'A1+a1', 3]]);
      (emitter === 'Left' ? t.left : t.right).pipeInput(2, 'dummy', 401);
      expect(t.results()).toEqual([
        [0, 'A0+null', 1],
        [0, 'A0-0+null', 3],
      ]);
      (emitter === 'Left' ? t.right : t.left).pipeInput(2, 'dummy', emitter === 'Left' ? 401 : 402);
      expect(t.results()).toEqual([[2, 'dummy+dummy', emitter === 'Left' ? 401 : 402]]);
      t.driver.close();
    });
  }

  for (const emitter of ['Left', 'Right'] as const) {
    it(`testRightNonJoinedRecordsAreNeverEmittedByThe${emitter}Processor`, () => {
      const windows =
        emitter === 'Left'
          ? JoinWindows.ofTimeDifferenceAndGrace(100, 0)
          : JoinWindows.ofTimeDifferenceWithNoGrace(100);
      const t = setUp('leftJoin', windows, S);
      t.right.pipeInput(0, 'A0', 1);
      t.right.pipeInput(1, 'A1', 2);
      t.right.pipeInput(0, 'A0-0', 3);
      expect(t.results()).toEqual([]);
      t.left.pipeInput(1, 'a1', 3);
      expect(t.results()).toEqual([[1, 'a1+A1', 3]]);
      (emitter === 'Left' ? t.left : t.right).pipeInput(2, 'dummy', 401);
      expect(t.results()).toEqual([]);
      (emitter === 'Left' ? t.right : t.left).pipeInput(2, 'dummy', 402);
      expect(t.results()).toEqual([[2, 'dummy+dummy', 402]]);
      t.driver.close();
    });
  }
});

describe('KStreamKStreamOuterJoinTest', () => {
  it('testOuterJoinDuplicates: at equal times the right side’s waiting records come first', () => {
    const t = setUp('outerJoin', JoinWindows.ofTimeDifferenceAndGrace(100, 10), L);
    t.left.pipeInput(0, 'A0', 0);
    t.left.pipeInput(0, 'A0-0', 0);
    t.right.pipeInput(1, 11, 0);
    t.right.pipeInput(1, 12, 0);
    t.right.pipeInput(1, 10, 111);
    t.right.pipeInput(3, 100, 211);
    expect(t.results()).toEqual([
      [1, 'null+11', 0],
      [1, 'null+12', 0],
      [0, 'A0+null', 0],
      [0, 'A0-0+null', 0],
    ]);
    t.left.pipeInput(2, 'A2', 200);
    t.left.pipeInput(2, 'A2-0', 200);
    t.right.pipeInput(2, 13, 201);
    t.right.pipeInput(2, 14, 201);
    expect(t.results()).toEqual([
      [2, 'A2+13', 201],
      [2, 'A2-0+13', 201],
      [2, 'A2+14', 201],
      [2, 'A2-0+14', 201],
    ]);
    t.right.pipeInput(3, 100, 1500);
    expect(t.results()).toEqual([
      [1, 'null+10', 111],
      [3, 'null+100', 211],
    ]);
    t.driver.close();
  });

  it('testRightExpiredNonJoinedRecordsAreEmittedByTheLeftProcessor', () => {
    const t = setUp('outerJoin', JoinWindows.ofTimeDifferenceWithNoGrace(100), L);
    t.right.pipeInput(0, 10, 1);
    t.right.pipeInput(1, 11, 2);
    t.right.pipeInput(0, 12, 3);
    expect(t.results()).toEqual([]);
    t.left.pipeInput(1, 'A1', 3);
    expect(t.results()).toEqual([[1, 'A1+11', 3]]);
    t.left.pipeInput(2, 'dummy', 401);
    expect(t.results()).toEqual([
      [0, 'null+10', 1],
      [0, 'null+12', 3],
    ]);
    t.right.pipeInput(2, 100, 402);
    expect(t.results()).toEqual([[2, 'dummy+100', 402]]);
    t.driver.close();
  });

  it('testEmitAllNonJoinedResultsForAsymmetricWindow', () => {
    const t = setUp('outerJoin', JoinWindows.ofTimeDifferenceWithNoGrace(5).after(20), L);
    t.left.pipeInput(0, 'A0', 29);
    expect(t.results()).toEqual([]);
    t.left.pipeInput(1, 'A1', 30);
    expect(t.results()).toEqual([]);
    t.right.pipeInput(2, 12, 31);
    expect(t.results()).toEqual([]);
    t.right.pipeInput(3, 13, 36);
    expect(t.results()).toEqual([]);
    t.right.pipeInput(4, 14, 37);
    expect(t.results()).toEqual([[2, 'null+12', 31]]);
    t.right.pipeInput(5, 15, 50);
    expect(t.results()).toEqual([
      [0, 'A0+null', 29],
      [3, 'null+13', 36],
      [4, 'null+14', 37],
    ]);
    t.driver.close();
  });
});

describe('KStream-KStream join', () => {
  it('inner join: every pair within the window, from either side, at the later timestamp; null keys and values dropped', () => {
    const t = setUp('join', JoinWindows.ofTimeDifferenceWithNoGrace(100), S);
    t.left.pipeInput(0, 'A0', 1000);
    t.left.pipeInput(null, 'no-key', 1000);
    t.right.pipeInput(0, 'a0', 1050);
    t.right.pipeInput(0, 'b0', 1101);
    t.right.pipeInput(0, null, 1010);
    t.left.pipeInput(0, 'B0', 1100);
    expect(t.results()).toEqual([
      [0, 'A0+a0', 1050],
      [0, 'B0+a0', 1100],
      [0, 'B0+b0', 1101],
    ]);
    t.driver.close();
  });

  it('a left join keeps a null-key record at once, joined with null (KIP-962)', () => {
    const t = setUp('leftJoin', JoinWindows.ofTimeDifferenceWithNoGrace(100), S);
    t.left.pipeInput(null, 'no-key', 5);
    expect(t.results()).toEqual([[null, 'no-key+null', 5]]);
    t.driver.close();
  });

  it('names nodes, stores and repartition topics as Kafka Streams does', () => {
    const builder = new StreamsBuilder();
    const orders = builder.stream<string, string>('orders', Consumed.with(S, S)).selectKey((_k, v) => v);
    const payments = builder.stream<string, string>('payments', Consumed.with(S, S));
    orders.leftJoin(payments, joiner, JoinWindows.ofTimeDifferenceWithNoGrace(60_000));
    const text = builder.build().describe().toString();
    for (const expected of [
      'Sink: KSTREAM-SINK-0000000003 (topic: KSTREAM-KEY-SELECT-0000000001-repartition)',
      'Processor: KSTREAM-WINDOWED-0000000006 (stores: [KSTREAM-JOINTHIS-0000000008-store])',
      'Processor: KSTREAM-WINDOWED-0000000007 (stores: [KSTREAM-OUTEROTHER-0000000009-store])',
      'Processor: KSTREAM-JOINTHIS-0000000008 (stores: [KSTREAM-OUTEROTHER-0000000009-store, KSTREAM-OUTERSHARED-0000000008-store])',
      'Processor: KSTREAM-OUTEROTHER-0000000009 (stores: [KSTREAM-JOINTHIS-0000000008-store, KSTREAM-OUTERSHARED-0000000008-store])',
      'Processor: KSTREAM-MERGE-0000000010 (stores: [])',
    ]) {
      expect(text).toContain(expected);
    }
    const named = new StreamsBuilder();
    named
      .stream<string, string>('a', Consumed.with(S, S))
      .join(
        named.stream<string, string>('b', Consumed.with(S, S)),
        joiner,
        JoinWindows.ofTimeDifferenceWithNoGrace(10),
        StreamJoined.with(S, S, S).withName('pair').withStoreName('pairs'),
      );
    const namedText = named.build().describe().toString();
    expect(namedText).toContain('Processor: pair-this-windowed (stores: [pairs-this-join-store])');
    expect(namedText).toContain('Processor: pair-this-join (stores: [pairs-other-join-store])');
    expect(namedText).toContain('Processor: pair-merge (stores: [])');
  });

  it('a stream-stream join without JoinWindows is refused naming the fix', () => {
    const builder = new StreamsBuilder();
    const a = builder.stream<string, string>('a');
    const b = builder.stream<string, string>('b');
    const join = a.join as unknown as (other: unknown, joiner: unknown) => unknown;
    expect(() => join.call(a, b, joiner)).toThrow(TopologyError);
    expect(() => join.call(a, b, joiner)).toThrow(/needs JoinWindows as its third argument/);
  });
});

/** Every pair within the window, and (left/outer) every record that found none, joined with null. */
function joinModel(kind: Kind, left: [string, number][], right: [string, number][], d: number): string[] {
  const out: string[] = [];
  const pairs = (a: [string, number][], b: [string, number][], i: number) =>
    b.filter(([k, t]) => k === a[i]![0] && Math.abs(t - a[i]![1]) <= d);
  left.forEach(([k, t], i) => {
    for (const [, u] of pairs(left, right, i)) out.push(`${k}:L${t}+R${u}`);
    if (kind !== 'join' && pairs(left, right, i).length === 0) out.push(`${k}:L${t}+null`);
  });
  if (kind === 'outerJoin')
    right.forEach(([k, t], i) => {
      if (pairs(right, left, i).length === 0) out.push(`${k}:null+R${t}`);
    });
  return out.sort();
}

describe('stream-stream joins against a model', () => {
  for (const kind of ['join', 'leftJoin', 'outerJoin'] as const) {
    it(`${kind}: every pair within the window once, and the unmatched records once their windows close`, () => {
      fc.assert(
        fc.property(
          // In time order (no record arrives after its window closed), either side, keys a/b, equal times allowed.
          fc.array(fc.tuple(fc.boolean(), fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 30 })), {
            maxLength: 30,
          }),
          fc.integer({ min: 0, max: 40 }),
          (steps, d) => {
            const builder = new StreamsBuilder();
            const l = builder.stream<string, string>('topic1', Consumed.with(S, S));
            const r = builder.stream<string, string>('topic2', Consumed.with(S, S));
            const label = (a: string | null, b: string | null) => `${a ?? 'null'}+${b ?? 'null'}`;
            const w = JoinWindows.ofTimeDifferenceWithNoGrace(d);
            (kind === 'join'
              ? l.join(r, label, w)
              : kind === 'leftJoin'
                ? l.leftJoin(r, label, w)
                : l.outerJoin(r, label, w)
            ).to('out', Produced.with(S, S));
            const driver = new TopologyTestDriver(builder.build(), {}, 0);
            const t1 = driver.createInputTopic('topic1', S, S);
            const t2 = driver.createInputTopic('topic2', S, S);
            const left: [string, number][] = [];
            const right: [string, number][] = [];
            let time = 0;
            for (const [isLeft, key, advance] of steps) {
              time += advance;
              if (isLeft) {
                left.push([key, time]);
                t1.pipeInput(key, `L${time}`, time);
              } else {
                right.push([key, time]);
                t2.pipeInput(key, `R${time}`, time);
              }
            }
            // Far later on both sides: every window closes (the tick's own results never show).
            t1.pipeInput('tick', 'tick', time + d + 1_000);
            t2.pipeInput('tick', 'tock', time + 2 * d + 2_000);
            const actual = driver
              .createOutputTopic('out', S, S)
              .readKeyValuesToList()
              .filter((kv) => kv.key !== 'tick')
              .map((kv) => `${kv.key}:${kv.value}`)
              .sort();
            expect(actual).toEqual(joinModel(kind, left, right, d));
            driver.close();
          },
        ),
        { numRuns: 60 },
      );
    });
  }
});
