import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Consumed,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  TimeWindows,
  TopologyTestDriver,
  WindowedSerdes,
} from '../../index.js';

const S = Serdes.String();
const L = Serdes.Long();

describe('TimeWindows', () => {
  it('puts a timestamp in every window [start, start + size) with start a multiple of the advance and >= 0', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 500 }),
        (size, advanceSeed, ts) => {
          const advance = 1 + (advanceSeed % size);
          const model: number[] = [];
          for (let start = 0; start <= ts; start += advance) if (start + size > ts) model.push(start);
          expect(TimeWindows.ofSizeWithNoGrace(size).advanceBy(advance).windowStartsFor(ts)).toEqual(model);
        },
      ),
    );
  });

  it('names the bad argument', () => {
    expect(() => TimeWindows.ofSizeWithNoGrace(0)).toThrow(/size must be a positive/);
    expect(() => TimeWindows.ofSizeAndGrace(10, -1)).toThrow(/grace period/);
    expect(() => TimeWindows.ofSizeWithNoGrace(10).advanceBy(11)).toThrow(/\(0, 10\]/);
  });
});

describe('WindowedSerdes.timeWindowedSerdeFrom', () => {
  it("writes the inner key and the 8-byte big-endian window start, like Kafka Streams' TimeWindowedSerializer", () => {
    const serde = WindowedSerdes.timeWindowedSerdeFrom(S, 1000);
    const bytes = serde.serialize('t', { key: 'ab', startMs: 2 ** 33 + 5, endMs: 2 ** 33 + 1005 })!;
    expect(bytes.toString('hex')).toBe(`6162${'0000000200000005'}`);
    expect(serde.deserialize('t', bytes)).toEqual({ key: 'ab', startMs: 2 ** 33 + 5, endMs: 2 ** 33 + 1005 });
    expect(() => serde.deserialize('t', Buffer.from('ab'))).toThrow(/at least 8 bytes/);
  });
});

/** The same windowed count as a model: stream time, grace and window closing as Kafka Streams. */
function modelCounts(records: { key: string; ts: number }[], windows: TimeWindows): Map<string, number> {
  const counts = new Map<string, number>();
  let streamTime = -1;
  for (const r of records) {
    streamTime = Math.max(streamTime, r.ts);
    for (const start of windows.windowStartsFor(r.ts)) {
      if (start + windows.sizeMs <= streamTime - windows.graceMs) continue;
      const id = `${r.key}@${start}`;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}

describe('windowedBy(TimeWindows).count()', () => {
  it.each([true, false])(
    'equals a model over out-of-order records, late ones dropped after the grace period (cache %s)',
    (caching) => {
      fc.assert(
        fc.property(
          fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), ts: fc.integer({ min: 0, max: 400 }) }), {
            maxLength: 60,
          }),
          fc.integer({ min: 10, max: 100 }),
          fc.integer({ min: 1, max: 100 }),
          fc.integer({ min: 0, max: 50 }),
          (records, size, advanceSeed, grace) => {
            const windows = TimeWindows.ofSizeAndGrace(size, grace).advanceBy(1 + (advanceSeed % size));
            const materialized = Materialized.as<string, number>('counts').withStoreType('in-memory');
            const builder = new StreamsBuilder();
            builder
              .stream<string, string>('in', Consumed.with(S, S))
              .groupByKey()
              .windowedBy(windows)
              .count(caching ? materialized : materialized.withCachingDisabled())
              .toStream()
              .to('out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(S, size), L));
            const driver = new TopologyTestDriver(builder.build(), {}, 0);
            const input = driver.createInputTopic('in', S, S);
            for (const r of records) input.pipeInput(r.key, 'v', r.ts);

            const model = modelCounts(records, windows);
            const output = driver
              .createOutputTopic('out', WindowedSerdes.timeWindowedSerdeFrom(S, size), L)
              .readKeyValuesToList();
            const last = new Map<string, number>();
            for (const { key, value } of output) {
              expect(key!.endMs - key!.startMs).toBe(size);
              last.set(`${key!.key}@${key!.startMs}`, value!);
            }
            expect(last).toEqual(model);
            // The store holds the windows still retained (size + grace behind the newest window).
            const store = driver.getWindowStore<string, number>('counts');
            for (const { key, value } of store.all())
              expect(value).toBe(model.get(`${key.key}@${key.startMs}`));
            driver.close();
          },
        ),
        { numRuns: 60 },
      );
    },
  );

  it('reduce and aggregate keep one value per key and window; the window store answers queries', () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream<string, number>('in', Consumed.with(S, L)).groupByKey();
    const tumbling = TimeWindows.ofSizeWithNoGrace(100);
    grouped
      .windowedBy(tumbling)
      .reduce((a, b) => Math.max(a, b), Materialized.as('max'))
      .toStream()
      .to('max-out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(S, 100), L));
    grouped
      .windowedBy(tumbling)
      .aggregate(
        () => '',
        (_k, v, agg) => `${agg}${v}`,
        Materialized.with<string, string>(S, S).withStoreType('in-memory'),
      )
      .toStream()
      .to('concat-out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(S, 100), S));
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const input = driver.createInputTopic('in', S, L);
    input.pipeInput('k', 3, 10);
    input.pipeInput('k', 7, 20);
    const max = driver.getWindowStore<string, number>('max');
    expect(max.fetch('k', 0)).toBe(7);
    input.pipeInput('k', 5, 150);
    input.pipeInput('k', 9, 40); // window [0, 100) is closed: stream time 150 >= 100 + 0 grace
    // Retention is size + grace: window 0 has left the store once window 100 exists.
    expect([...max.fetch('k', 0, 1000)]).toEqual([{ key: 100, value: 5 }]);
    const concat = driver
      .createOutputTopic('concat-out', WindowedSerdes.timeWindowedSerdeFrom(S, 100), S)
      .readKeyValuesToList()
      .map(({ key, value }) => `${key!.startMs}:${value}`);
    expect(concat).toEqual(['0:3', '0:37', '100:5']);
    driver.close();
  });
});
