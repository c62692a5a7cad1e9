import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Consumed,
  EmbeddedLog,
  EmitStrategy,
  Grouped,
  KafkaStreams,
  Materialized,
  Produced,
  Serdes,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  TimeWindows,
  TopologyTestDriver,
} from '../../index.js';
import { waitUntil } from '../../runtime/tests/wait-until.js';

// Ports of Kafka Streams' KStreamWindowAggregateTest cases for EmitStrategy.onWindowClose()
// (KIP-825), with its emit interval at 0 as those tests set it: hopping windows of 10 ms every 5 ms,
// grace 5 ms, aggregates "0+1+…" (MockAggregator.TOSTRING_ADDER).

const S = Serdes.String();

function topology(strategy: EmitStrategy, windows: TimeWindows | SlidingWindows = hopping()) {
  const builder = new StreamsBuilder();
  const grouped = builder.stream<string, string>('input', Consumed.with(S, S)).groupByKey(Grouped.with(S, S));
  (windows instanceof TimeWindows ? grouped.windowedBy(windows) : grouped.windowedBy(windows))
    .emitStrategy(strategy)
    .aggregate(
      () => '0',
      (_key, value, aggregate) => `${aggregate}+${value}`,
      Materialized.as<string, string>('windows').withValueSerde(S),
    )
    .toStream()
    .map((w, v) => ({ key: `${w.key}[${w.startMs},${w.endMs})`, value: v }))
    .to('output', Produced.with(S, S));
  return builder.build();
}

function hopping() {
  return TimeWindows.ofSizeAndGrace(10, 5).advanceBy(5);
}

function run(
  strategy: EmitStrategy,
  steps: readonly [string, string, number][][],
  windows?: TimeWindows | SlidingWindows,
) {
  const driver = new TopologyTestDriver(topology(strategy, windows), {}, 0);
  const input = driver.createInputTopic('input', S, S);
  const output = driver.createOutputTopic('output', S, S);
  const results = steps.map((step) => {
    for (const [key, value, t] of step) input.pipeInput(key, value, t);
    return output.readRecordsToList().map((r) => [r.key, r.value, r.timestampMs]);
  });
  driver.close();
  return results;
}

describe('EmitStrategy.onWindowClose() (KStreamWindowAggregateTest)', () => {
  it('shouldNotEmitFinalIfNotProgressEnough', () => {
    const steps: [string, string, number][][] = [
      [
        ['A', '1', 0],
        ['B', '2', 5],
        ['C', '3', 15],
      ],
      [['D', '4', 15]],
      [['E', '5', 19]],
    ];
    expect(run(EmitStrategy.onWindowClose(), steps)).toEqual([
      [
        ['A[0,10)', '0+1', 0],
        ['B[0,10)', '0+2', 5],
      ],
      [], // stream time did not move
      [], // it moved, but closed no new window
    ]);
    expect(run(EmitStrategy.onWindowUpdate(), steps)[1]).toEqual([
      ['D[10,20)', '0+4', 15],
      ['D[15,25)', '0+4', 15],
    ]);
  });

  it('shouldEmitWithInterval0', () => {
    const steps: [string, string, number][][] = [
      [
        ['A', '1', 0],
        ['A', '1', 5],
        ['B', '2', 10],
        ['C', '3', 15],
        ['D', '4', 20],
      ],
    ];
    expect(run(EmitStrategy.onWindowClose(), steps)).toEqual([
      [
        ['A[0,10)', '0+1+1', 5],
        ['A[5,15)', '0+1', 5],
        ['B[5,15)', '0+2', 10],
      ],
    ]);
  });

  it('testAggBasic: nothing while the grace keeps every window open', () => {
    const windows = TimeWindows.ofSizeAndGrace(10, 100).advanceBy(5);
    const driver = new TopologyTestDriver(topology(EmitStrategy.onWindowClose(), windows), {}, 0);
    const input = driver.createInputTopic('input', S, S);
    for (const [k, v, t] of [
      ['A', '1', 0],
      ['B', '2', 1],
      ['C', '3', 2],
      ['D', '4', 3],
      ['A', '1', 4],
      ['B', '2', 14],
      ['B', '1', 3],
    ] as const)
      input.pipeInput(k, v, t);
    expect(driver.createOutputTopic('output', S, S).readRecordsToList()).toEqual([]);
    // The store holds the aggregates all the same.
    expect(driver.getWindowStore<string, string>('windows').fetch('B', 0)).toBe('0+2+1');
    driver.close();
  });

  it('sliding windows: each window once, when its end + grace has passed', () => {
    const sliding = SlidingWindows.ofTimeDifferenceAndGrace(10, 5);
    const [out] = run(
      EmitStrategy.onWindowClose(),
      [
        [
          ['A', '1', 10],
          ['A', '2', 15],
          ['A', '3', 40],
        ],
      ],
      sliding,
    );
    // Windows [0,10], [5,15] and [11,21] of A have closed at stream time 40 − grace 5; [30,40] has not.
    expect(out).toEqual([
      ['A[0,10)', '0+1', 10],
      ['A[5,15)', '0+1+2', 15],
      ['A[11,21)', '0+2', 15],
    ]);
  });
});

describe('onWindowClose() across a restart (shouldEmitFromLastEmitTime)', () => {
  it('a new instance emits only the windows closed since the last emit, once', async () => {
    const cluster = `emit-close-${Date.now()}`;
    const log = EmbeddedLog.named(cluster).createTopic('input', 1).createTopic('output', 1);
    const start = async () => {
      const streams = new KafkaStreams(topology(EmitStrategy.onWindowClose()), {
        applicationId: 'emit-close',
        bootstrapServers: `memory://${cluster}`,
        // A fresh state directory: the emit progress comes back from its changelog.
        stateDir: mkdtempSync(join(tmpdir(), 'rivulet-emit-close-')),
        processingGuarantee: 'exactly_once_v2',
      });
      await streams.start();
      await streams.waitForState('RUNNING');
      return streams;
    };
    const read = () => log.read('output', S, S).map((r) => [r.key, r.value, r.timestampMs]);
    const first = await start();
    log.produce(
      'input',
      [
        { key: 'A', value: '1', timestampMs: 0 },
        { key: 'B', value: '2', timestampMs: 5 },
        { key: 'C', value: '3', timestampMs: 15 },
      ],
      S,
      S,
    );
    await waitUntil(() => read().length === 2, 10_000, 'the first final results');
    await first.close();
    const second = await start();
    log.produce('input', [{ key: 'D', value: '4', timestampMs: 25 }], S, S);
    await waitUntil(() => read().length >= 4, 10_000, 'the final results after the restart');
    await new Promise((r) => setTimeout(r, 300));
    expect(read()).toEqual([
      ['A[0,10)', '0+1', 0],
      ['B[0,10)', '0+2', 5],
      ['B[5,15)', '0+2', 5],
      ['C[10,20)', '0+3', 15],
    ]);
    await second.close();
    EmbeddedLog.reset(cluster);
  });
});

// The model: every window that took a record is emitted exactly once, with its final aggregate,
// once a later record has moved stream time past its end + grace; late records are left out.
describe('onWindowClose() against a model (fast-check)', () => {
  it('hopping windows: each window once, with the aggregate of every record not too late for it', () => {
    const SIZE = 10;
    const ADVANCE = 5;
    const GRACE = 3;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 100 })), {
          maxLength: 40,
        }),
        (records) => {
          const windows = TimeWindows.ofSizeAndGrace(SIZE, GRACE).advanceBy(ADVANCE);
          const driver = new TopologyTestDriver(topology(EmitStrategy.onWindowClose(), windows), {}, 0);
          const input = driver.createInputTopic('input', S, S);
          const model = new Map<string, string>();
          let streamTime = -1;
          records.forEach(([key, t], i) => {
            input.pipeInput(key, String(i), t);
            streamTime = Math.max(streamTime, t);
            for (const start of windows.windowStartsFor(t)) {
              if (start + SIZE <= streamTime - GRACE) continue; // late: dropped
              const id = `${key}[${start},${start + SIZE})`;
              model.set(id, `${model.get(id) ?? '0'}+${i}`);
            }
          });
          // A record far ahead closes every window.
          input.pipeInput('zz', 'end', 10_000);
          const emitted = driver.createOutputTopic('output', S, S).readRecordsToList();
          const ids = emitted.map((r) => r.key!);
          expect(new Set(ids).size).toBe(ids.length);
          expect(Object.fromEntries(emitted.map((r) => [r.key, r.value]))).toEqual(Object.fromEntries(model));
          driver.close();
        },
      ),
      { numRuns: 80 },
    );
  });
});

// Ports of Kafka Streams' KStreamSessionWindowAggregateProcessorTest cases with ON_WINDOW_CLOSE:
// sessions with a 5 s gap and no grace, counted; each session's final count once, when it closes.
describe('EmitStrategy.onWindowClose() for session windows (KStreamSessionWindowAggregateProcessorTest)', () => {
  const GAP = 5_000;
  function sessions(records: [string, number][]) {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('input', Consumed.with(S, S))
      .groupByKey(Grouped.with(S, S))
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(GAP))
      .emitStrategy(EmitStrategy.onWindowClose())
      .count()
      .toStream()
      .map((w, n) => ({ key: `${w.key}[${w.startMs},${w.endMs}]`, value: String(n) }))
      .to('output', Produced.with(S, S));
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const input = driver.createInputTopic('input', S, S);
    for (const [key, t] of records) input.pipeInput(key, 'v', t);
    const out = driver
      .createOutputTopic('output', S, S)
      .readRecordsToList()
      .map((r) => [r.key, r.value, r.timestampMs]);
    driver.close();
    return out;
  }

  it('shouldHaveMultipleSessionsForSameIdWhenTimestampApartBySessionGap', () => {
    const t2 = GAP + 1;
    const t3 = 2 * GAP + 2;
    expect(
      sessions([
        ['mel', 0],
        ['mel', t2],
        ['mel', t2],
        ['mel', t3],
        ['mel', t3],
        ['mel', t3],
      ]),
    ).toEqual([
      ['mel[0,0]', '1', 0],
      [`mel[${t2},${t2}]`, '2', t2],
    ]);
  });

  it('shouldHandleMultipleSessionsAndMerging', () => {
    expect(
      sessions([
        ['a', 0],
        ['b', 0],
        ['c', 0],
        ['d', 0],
        ['d', GAP / 2],
        ['a', GAP + 1],
        ['b', GAP + 1],
        ['a', GAP + 1 + GAP / 2],
        ['c', GAP + 1 + GAP / 2],
      ]),
    ).toEqual([
      ['a[0,0]', '1', 0],
      ['b[0,0]', '1', 0],
      ['c[0,0]', '1', 0],
      [`d[0,${GAP / 2}]`, '2', GAP / 2],
    ]);
  });
});

// The model: sessions merge as Kafka Streams merges them (a record joins the sessions of its key
// within the gap; a merged session that would end before stream time − gap − grace is dropped);
// with onWindowClose the store keeps a session until it closes (gap + grace + 1 ms), and each
// session left at the end is emitted once, with its count, after a later record closed it.
describe('session onWindowClose against a model (fast-check)', () => {
  const GAP = 10;
  const GRACE = 5;
  it('every final session once, none that a merge replaced', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 100 })), { maxLength: 30 }),
        (records) => {
          const builder = new StreamsBuilder();
          builder
            .stream<string, string>('input', Consumed.with(S, S))
            .groupByKey(Grouped.with(S, S))
            .windowedBy(SessionWindows.ofInactivityGapAndGrace(GAP, GRACE))
            .emitStrategy(EmitStrategy.onWindowClose())
            .count()
            .toStream()
            .map((w, n) => ({ key: `${w.key}[${w.startMs},${w.endMs}]`, value: String(n) }))
            .to('output', Produced.with(S, S));
          const driver = new TopologyTestDriver(builder.build(), {}, 0);
          const input = driver.createInputTopic('input', S, S);
          type Session = { key: string; start: number; end: number; count: number };
          let stored: Session[] = [];
          let streamTime = -1;
          let observedEnd = -1;
          for (const [key, t] of records) {
            input.pipeInput(key, 'v', t);
            streamTime = Math.max(streamTime, t);
            const live = stored.filter((s) => s.end > observedEnd - (GAP + GRACE + 1));
            const merged = live.filter((s) => s.key === key && s.end >= t - GAP && s.start <= t + GAP);
            const session: Session = {
              key,
              start: Math.min(t, ...merged.map((s) => s.start)),
              end: Math.max(t, ...merged.map((s) => s.end)),
              count: 1 + merged.reduce((n, s) => n + s.count, 0),
            };
            if (session.end < streamTime - GAP - GRACE) continue; // closed: dropped
            stored = stored.filter((s) => !merged.includes(s));
            observedEnd = Math.max(observedEnd, session.end);
            if (session.end > observedEnd - (GAP + GRACE + 1)) stored.push(session);
          }
          input.pipeInput('zz', 'end', 10_000);
          const finals = driver
            .createOutputTopic('output', S, S)
            .readKeyValuesToList()
            .filter((kv) => !kv.key!.startsWith('zz'));
          driver.close();
          const ids = finals.map((kv) => kv.key);
          expect(new Set(ids).size).toBe(ids.length);
          expect(Object.fromEntries(finals.map((kv) => [kv.key, kv.value]))).toEqual(
            Object.fromEntries(stored.map((s) => [`${s.key}[${s.start},${s.end}]`, String(s.count)])),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('session onWindowClose across a restart', () => {
  it('a new instance emits the sessions restored into its store once they close, and none twice', async () => {
    const cluster = `emit-close-sessions-${Date.now()}`;
    const log = EmbeddedLog.named(cluster).createTopic('input', 1).createTopic('output', 1);
    const start = async () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('input', Consumed.with(S, S))
        .groupByKey(Grouped.with(S, S))
        .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10))
        .emitStrategy(EmitStrategy.onWindowClose())
        .count()
        .toStream()
        .map((w, n) => ({ key: `${w.key}[${w.startMs},${w.endMs}]`, value: String(n) }))
        .to('output', Produced.with(S, S));
      const streams = new KafkaStreams(builder.build(), {
        applicationId: 'emit-close-sessions',
        bootstrapServers: `memory://${cluster}`,
        stateDir: mkdtempSync(join(tmpdir(), 'rivulet-emit-close-')),
        processingGuarantee: 'exactly_once_v2',
      });
      await streams.start();
      await streams.waitForState('RUNNING');
      return streams;
    };
    const read = () => log.read('output', S, S).map((r) => [r.key, r.value]);
    const first = await start();
    log.produce(
      'input',
      [
        { key: 'a', value: 'v', timestampMs: 0 },
        { key: 'b', value: 'v', timestampMs: 100 },
      ],
      S,
      S,
    );
    await waitUntil(() => read().length === 1, 10_000, 'the first session');
    await first.close();
    const second = await start();
    log.produce('input', [{ key: 'c', value: 'v', timestampMs: 200 }], S, S);
    await waitUntil(() => read().length >= 2, 10_000, 'the restored session');
    await new Promise((r) => setTimeout(r, 300));
    expect(read()).toEqual([
      ['a[0,0]', '1'],
      ['b[100,100]', '1'],
    ]);
    await second.close();
    EmbeddedLog.reset(cluster);
  });
});
