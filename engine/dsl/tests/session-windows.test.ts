// Session windows, ported from Kafka Streams' SessionWindowedKStreamImplTest (emit strategy
// ON_WINDOW_UPDATE): the same inputs and expected outputs, with caching on and off.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Consumed,
  Grouped,
  type KTable,
  Materialized,
  Serdes,
  type SessionWindowedKStream,
  SessionWindows,
  StreamsBuilder,
  TopologyTestDriver,
  type Windowed,
  WindowedSerdes,
} from '../../index.js';

const S = Serdes.String();
type Row = [string, number, number, unknown, number];

function run<V>(
  cacheMaxBytes: number,
  aggregate: (sessions: SessionWindowedKStream<string, string>) => KTable<Windowed<string>, V>,
  input: [string, string, number][],
  graceMs = 0,
): Row[] {
  const builder = new StreamsBuilder();
  const out: Row[] = [];
  const sessions = builder
    .stream<string, string>('input', Consumed.with(S, S))
    .groupByKey(Grouped.with(S, S))
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(500, graceMs));
  aggregate(sessions)
    .toStream()
    .process({
      get: () => ({
        process: (r) => {
          out.push([r.key.key, r.key.startMs, r.key.endMs, r.value, r.timestampMs]);
        },
      }),
    });
  const driver = new TopologyTestDriver(builder.build(), { cacheMaxBytes }, 0);
  const topic = driver.createInputTopic('input', S, S);
  for (const [k, v, t] of input) topic.pipeInput(k, v, t);
  driver.close();
  return out;
}

const PROCESS_DATA: [string, string, number][] = [
  ['1', '1', 10],
  ['1', '2', 15],
  ['1', '3', 600],
  ['2', '1', 600],
  ['2', '2', 599],
];

describe('SessionWindowedKStreamImplTest', () => {
  for (const cacheMaxBytes of [0, 10 * 1024 * 1024]) {
    const caching = cacheMaxBytes > 0 ? 'WithCachingEnabled' : 'WithCachingDisabled';
    it(`shouldCountSessionWindowed${caching}`, () => {
      expect(run(cacheMaxBytes, (s) => s.count(), PROCESS_DATA)).toEqual([
        ['1', 10, 10, 1, 10],
        ['1', 10, 10, null, 10],
        ['1', 10, 15, 2, 15],
        ['1', 600, 600, 1, 600],
        ['2', 600, 600, 1, 600],
        ['2', 600, 600, null, 600],
        ['2', 599, 600, 2, 600],
      ]);
    });
  }

  it('shouldReduceWindowed', () => {
    expect(run(0, (s) => s.reduce((a, b) => `${a}+${b}`), PROCESS_DATA)).toEqual([
      ['1', 10, 10, '1', 10],
      ['1', 10, 10, null, 10],
      ['1', 10, 15, '1+2', 15],
      ['1', 600, 600, '3', 600],
      ['2', 600, 600, '1', 600],
      ['2', 600, 600, null, 600],
      ['2', 599, 600, '1+2', 600],
    ]);
  });

  it('shouldAggregateSessionWindowed', () => {
    const aggregated = (s: SessionWindowedKStream<string, string>) =>
      s.aggregate(
        () => '0',
        (_k, v, agg) => `${agg}+${v}`,
        (_k, a, b) => `${a}+${b}`,
        Materialized.with(S, S),
      );
    expect(run(0, aggregated, PROCESS_DATA)).toEqual([
      ['1', 10, 10, '0+1', 10],
      ['1', 10, 10, null, 10],
      ['1', 10, 15, '0+0+1+2', 15],
      ['1', 600, 600, '0+3', 600],
      ['2', 600, 600, '0+1', 600],
      ['2', 600, 600, null, 600],
      ['2', 599, 600, '0+0+1+2', 600],
    ]);
  });

  it('shouldMaterializeCount (its uncached variant): the store answers per session, expired ones gone', () => {
    // Kafka Streams' cached variant also shows [10, 15], which expired at stream time 600 (retention
    // gap + grace = 500): its record cache still holds it. Without a cache both answer as here.
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('input', Consumed.with(S, S))
      .groupByKey(Grouped.with(S, S))
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(500))
      .count(Materialized.as<string, number>('count-store').withCachingDisabled());
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const topic = driver.createInputTopic('input', S, S);
    for (const [k, v, t] of PROCESS_DATA) topic.pipeInput(k, v, t);
    const store = driver.getSessionStore<string, number>('count-store');
    expect([...store.fetch('1')].map((s) => [s.key.startMs, s.key.endMs, s.value])).toEqual([[600, 600, 1]]);
    expect([...store.fetch('2')].map((s) => [s.key.startMs, s.key.endMs, s.value])).toEqual([[599, 600, 2]]);
    driver.close();
  });

  it('a record that bridges two sessions merges them, deleting both downstream', () => {
    const input: [string, string, number][] = [
      ['k', 'a', 0],
      ['k', 'b', 1000],
      ['k', 'c', 500],
    ];
    expect(run(0, (s) => s.count(), input, 1000)).toEqual([
      ['k', 0, 0, 1, 0],
      ['k', 1000, 1000, 1, 1000],
      ['k', 0, 0, null, 0],
      ['k', 1000, 1000, null, 1000],
      ['k', 0, 1000, 3, 1000],
    ]);
    // Without grace the store keeps sessions for the gap only: [0, 0] has expired by stream time
    // 1000, so (as in Kafka Streams, whose session store skips expired sessions) only one merges.
    expect(run(0, (s) => s.count(), input, 0).slice(2)).toEqual([
      ['k', 1000, 1000, null, 1000],
      ['k', 500, 1000, 2, 1000],
    ]);
  });

  it('session keys serialize as Kafka Streams’ SessionWindowedSerde: key, end, start', () => {
    const serde = WindowedSerdes.sessionWindowedSerdeFrom(S);
    const bytes = serde.serialize('t', { key: 'ab', startMs: 1, endMs: 2 })!;
    expect(bytes.toString('hex')).toBe(`6162${'0000000000000002'}${'0000000000000001'}`);
    expect(serde.deserialize('t', bytes)).toEqual({ key: 'ab', startMs: 1, endMs: 2 });
  });
});

/** The model: sessions per key from all records seen (none late: no grace needed). */
function modelSessions(records: [string, number][], gapMs: number): Map<string, [number, number, number][]> {
  const byKey = new Map<string, [number, number, number][]>();
  for (const [key, t] of records) {
    const sessions = byKey.get(key) ?? [];
    const touching = sessions.filter(([s, e]) => e >= t - gapMs && s <= t + gapMs);
    const rest = sessions.filter((x) => !touching.includes(x));
    const start = Math.min(t, ...touching.map(([s]) => s));
    const end = Math.max(t, ...touching.map(([, e]) => e));
    const count = 1 + touching.reduce((sum, [, , c]) => sum + c, 0);
    const next: [number, number, number][] = [...rest, [start, end, count]];
    byKey.set(
      key,
      next.sort(([s1, e1], [s2, e2]) => e1 - e2 || s1 - s2),
    );
  }
  return byKey;
}

describe('session windows against a model', () => {
  it('count(): the final table equals the model’s sessions for any order of in-grace records', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 5000 })), {
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 800 }),
        (records, gapMs) => {
          const builder = new StreamsBuilder();
          builder
            .stream<string, string>('input', Consumed.with(S, S))
            .groupByKey()
            .windowedBy(SessionWindows.ofInactivityGapAndGrace(gapMs, 100_000))
            .count(Materialized.as('sessions'));
          const driver = new TopologyTestDriver(builder.build(), { cacheMaxBytes: 0 }, 0);
          const topic = driver.createInputTopic('input', S, S);
          for (const [k, t] of records) topic.pipeInput(k, 'v', t);
          const store = driver.getSessionStore<string, number>('sessions');
          const model = modelSessions(records, gapMs);
          for (const key of ['a', 'b', 'c']) {
            const actual = [...store.fetch(key)].map((s) => [s.key.startMs, s.key.endMs, s.value]);
            expect(actual).toEqual(model.get(key) ?? []);
          }
          driver.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
