// Sliding windows, ported from Kafka Streams' KStreamSlidingWindowAggregateTest (emit on update):
// the same inputs and the same updates per window start (as its gatherOutput collects them), and a
// model test of the windows KIP-450 defines.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Consumed,
  Grouped,
  Materialized,
  Serdes,
  SlidingWindows,
  StreamsBuilder,
  TopologyTestDriver,
} from '../../index.js';

const S = Serdes.String();

/** Kafka Streams' gatherOutput: every update, as value@timestamp, per window start. */
function updatesPerWindow(windows: SlidingWindows, input: [string, number][]): Record<number, string[]> {
  const builder = new StreamsBuilder();
  const out: Record<number, string[]> = {};
  builder
    .stream<string, string>('topic', Consumed.with(S, S))
    .groupByKey(Grouped.with(S, S))
    .windowedBy(windows)
    .aggregate(
      () => '0',
      (_k, v, agg) => `${agg}+${v}`,
      Materialized.as<string, string>('store').withValueSerde(S),
    )
    .toStream()
    .process({
      get: () => ({
        process: (r) => {
          const updates = out[r.key.startMs] ?? [];
          updates.push(`${r.value}@${r.timestampMs}`);
          out[r.key.startMs] = updates;
        },
      }),
    });
  const driver = new TopologyTestDriver(builder.build(), {}, 0);
  const topic = driver.createInputTopic('topic', S, S);
  for (const [v, t] of input) topic.pipeInput('A', v, t);
  driver.close();
  for (const start of Object.keys(out)) out[Number(start)]!.sort();
  return out;
}

const sorted = (o: Record<number, string[]>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, [...v].sort()]));

describe('KStreamSlidingWindowAggregateTest', () => {
  it('testAggregateSmallInput', () => {
    const actual = updatesPerWindow(SlidingWindows.ofTimeDifferenceAndGrace(10, 5), [
      ['1', 10],
      ['2', 10],
      ['3', 14],
      ['4', 15],
      ['5', 20],
      ['6', 22],
      ['7', 30],
    ]);
    expect(actual).toEqual(
      sorted({
        0: ['0+1@10', '0+1+2@10'],
        4: ['0+1+2+3@14'],
        5: ['0+1+2+3+4@15'],
        10: ['0+1+2+3+4+5@20'],
        11: ['0+3@14', '0+3+4@15', '0+3+4+5@20'],
        12: ['0+3+4+5+6@22'],
        15: ['0+4@15', '0+4+5@20', '0+4+5+6@22'],
        16: ['0+5@20', '0+5+6@22'],
        20: ['0+5+6+7@30'],
        21: ['0+6@22', '0+6+7@30'],
        23: ['0+7@30'],
      }),
    );
  });

  it('testEarlyRecordsSmallInput: records before the time difference share the window at 0', () => {
    const actual = updatesPerWindow(SlidingWindows.ofTimeDifferenceAndGrace(50, 0), [
      ['1', 0],
      ['2', 5],
      ['3', 6],
      ['4', 3],
      ['5', 13],
      ['6', 10],
      ['7', 70],
    ]);
    expect(actual).toEqual(
      sorted({
        0: ['0+1@0', '0+1+2@5', '0+1+2+3@6', '0+1+2+3+4@6', '0+1+2+3+4+5@13', '0+1+2+3+4+5+6@13'],
        1: ['0+2@5', '0+2+3@6', '0+2+3+4@6', '0+2+3+4+5@13', '0+2+3+4+5+6@13'],
        4: ['0+2+3@6', '0+2+3+5@13', '0+2+3+5+6@13'],
        6: ['0+3@6', '0+3+5@13', '0+3+5+6@13'],
        7: ['0+5@13', '0+5+6@13'],
        11: ['0+5@13'],
        20: ['0+7@70'],
      }),
    );
  });
});

/** KIP-450's windows: a left window per record, a right window after each record that has later ones within reach. */
function modelCounts(timestamps: number[], d: number): Map<number, number> {
  const starts = new Set<number>();
  for (const t of timestamps) {
    starts.add(Math.max(0, t - d));
    if (timestamps.some((u) => u > t && u <= t + 1 + d)) starts.add(t + 1);
  }
  const counts = new Map<number, number>();
  for (const s of starts) counts.set(s, timestamps.filter((t) => t >= s && t <= s + d).length);
  return counts;
}

describe('sliding windows against a model', () => {
  it('count(): the final windows and counts equal KIP-450’s for any arrival order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 60 }),
        (timestamps, d) => {
          const builder = new StreamsBuilder();
          builder
            .stream<string, string>('topic', Consumed.with(S, S))
            .groupByKey()
            .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(d, 10_000))
            .count(Materialized.as('counts'));
          const driver = new TopologyTestDriver(builder.build(), { cacheMaxBytes: 0 }, 0);
          const topic = driver.createInputTopic('topic', S, S);
          for (const t of timestamps) topic.pipeInput('k', 'v', t);
          const actual = new Map(
            [...driver.getWindowStore<string, number>('counts').fetch('k', 0, 10_000)].map((w) => [
              w.key,
              w.value,
            ]),
          );
          expect(actual).toEqual(modelCounts(timestamps, d));
          driver.close();
        },
      ),
      { numRuns: 80 },
    );
  });
});
