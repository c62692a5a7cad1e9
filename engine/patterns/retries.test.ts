import { describe, expect, it } from 'vitest';
import {
  Consumed,
  Produced,
  RETRY_HEADERS,
  Serdes,
  StreamsBuilder,
  TopologyTestDriver,
  withRetries,
} from '../index.js';

// Retries with backoff and a dead-letter topic, on the TopologyTestDriver's wall clock.

const S = Serdes.String();

describe('withRetries', () => {
  it('tries again after each delay without holding up later records, then dead-letters with the error', () => {
    const failuresLeft = new Map([
      ['flaky', 2],
      ['broken', Number.POSITIVE_INFINITY],
    ]);
    const attempts: string[] = [];
    const builder = new StreamsBuilder();
    withRetries(builder.stream<string, string>('notifications', Consumed.with(S, S)), {
      name: 'notification-retries',
      keySerde: S,
      valueSerde: S,
      delaysMs: [1_000, 10_000],
      deadLetterTopic: 'notifications-dlq',
      attempt(key) {
        attempts.push(key);
        const left = failuresLeft.get(key) ?? 0;
        if (left > 0) {
          failuresLeft.set(key, left - 1);
          throw new Error(`mail server refused ${key}`);
        }
      },
    }).to('notifications-sent', Produced.with(S, S));
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    try {
      const input = driver.createInputTopic('notifications', S, S);
      const sent = driver.createOutputTopic('notifications-sent', S, S);
      const dlq = driver.createOutputTopic('notifications-dlq', S, S);
      input.pipeInput('flaky', 'a');
      input.pipeInput('broken', 'b');
      input.pipeInput('ok', 'c'); // not held up by the two waiting before it
      expect(sent.readKeyValuesToList()).toEqual([{ key: 'ok', value: 'c' }]);
      driver.advanceWallClockTime(999);
      expect(attempts).toEqual(['flaky', 'broken', 'ok']);
      driver.advanceWallClockTime(1);
      expect(attempts.slice(3)).toEqual(['flaky', 'broken']);
      expect(sent.isEmpty()).toBe(true);
      driver.advanceWallClockTime(10_000);
      expect(sent.readKeyValuesToList()).toEqual([{ key: 'flaky', value: 'a' }]);
      const dead = dlq.readRecordsToList();
      expect(dead.map((r) => [r.key, r.value])).toEqual([['broken', 'b']]);
      const header = (name: string) => dead[0]!.headers?.find((h) => h.key === name)?.value.toString();
      expect(header(RETRY_HEADERS.attempts)).toBe('3');
      expect(header(RETRY_HEADERS.error)).toBe('mail server refused broken');
      driver.advanceWallClockTime(60_000);
      expect(attempts).toHaveLength(7); // nothing waits any more
    } finally {
      driver.close();
    }
  });
});
