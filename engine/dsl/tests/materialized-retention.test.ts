import { describe, expect, it } from 'vitest';
import {
  Consumed,
  Materialized,
  Serdes,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  TimeWindows,
  TopologyTestDriver,
} from '../../index.js';

// Materialized.withRetention (Kafka Streams' Materialized#withRetention): window and session
// stores keep windows that long (at least size or gap plus grace, the default), so closed windows
// stay queryable; a shorter retention is refused when the topology is built, as Kafka Streams
// refuses it with an IllegalArgumentException.

const S = Serdes.String();
const MINUTE = 60_000;

function counts(materialized: Materialized<string, number>) {
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>('input', Consumed.with(S, S))
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(MINUTE))
    .count(materialized);
  return builder.build();
}

describe('Materialized.withRetention', () => {
  it('keeps closed windows queryable for the retention, and not past it', () => {
    for (const [retentionMs, kept] of [
      [undefined, false],
      [10 * MINUTE, true],
    ] as const) {
      const base = Materialized.as<string, number>('counts');
      const driver = new TopologyTestDriver(
        counts(retentionMs ? base.withRetention(retentionMs) : base),
        {},
        0,
      );
      try {
        const input = driver.createInputTopic('input', S, S);
        input.pipeInput('a', 'x', 1_000);
        input.pipeInput('a', 'x', 2_000);
        input.pipeInput('b', 'x', 5 * MINUTE); // stream time moves 5 minutes on
        const store = driver.getWindowStore<string, number>('counts');
        expect(store.fetch('a', 0)).toBe(kept ? 2 : null);
        expect(store.fetch('b', 5 * MINUTE)).toBe(1);
        input.pipeInput('b', 'x', 12 * MINUTE); // past the 10 minutes
        expect(store.fetch('a', 0)).toBe(null);
      } finally {
        driver.close();
      }
    }
  });

  it('refuses a retention shorter than the window (or gap) plus the grace period, naming the store', () => {
    const windowed = (windows: TimeWindows | SlidingWindows | SessionWindows, retentionMs: number) => () => {
      const builder = new StreamsBuilder();
      const grouped = builder.stream<string, string>('input', Consumed.with(S, S)).groupByKey();
      const materialized = Materialized.as<string, number>('short').withRetention(retentionMs);
      if (windows instanceof SessionWindows) grouped.windowedBy(windows).count(materialized);
      else if (windows instanceof TimeWindows) grouped.windowedBy(windows).count(materialized);
      else grouped.windowedBy(windows).count(materialized);
    };
    expect(windowed(TimeWindows.ofSizeAndGrace(MINUTE, 10_000), 69_999)).toThrow(
      'the retention period of store short must be no smaller than the window size plus the grace period (70000 ms), got 69999 ms',
    );
    expect(windowed(TimeWindows.ofSizeAndGrace(MINUTE, 10_000), 70_000)).not.toThrow();
    expect(windowed(SlidingWindows.ofTimeDifferenceAndGrace(MINUTE, 0), MINUTE)).toThrow(
      '2 × the time difference plus the grace period (120000 ms)',
    );
    expect(windowed(SessionWindows.ofInactivityGapAndGrace(MINUTE, 5_000), 1_000)).toThrow(
      'the inactivity gap plus the grace period (65000 ms), got 1000 ms',
    );
    expect(() => Materialized.as('x').withRetention(-1)).toThrow(
      'Materialized.withRetention: the retention must be a whole number of ms >= 0, got -1',
    );
  });
});
