import { describe, expect, it } from 'vitest';
import { type LoggedLine, recordingLogger } from '../../../test/recording-logger.js';
import { RetriableError, StreamsError } from '../../errors.js';
import { withRetries } from '../internals/retry.js';

describe('withRetries', () => {
  it('retries transient errors with back-off, logging each, until the call succeeds', async () => {
    const lines: LoggedLine[] = [];
    let calls = 0;
    const result = await withRetries(
      'listing offsets',
      async () => {
        if (++calls < 3) throw new RetriableError('Leader not available');
        return 42;
      },
      { timeoutMs: 10_000, logger: recordingLogger(lines) },
    );
    expect(result).toBe(42);
    expect(calls).toBe(3);
    expect(lines.map((l) => `${l.level} ${l.msg}`)).toEqual([
      'warn listing offsets failed; retrying',
      'warn listing offsets failed; retrying',
    ]);
  });

  it('gives up after timeoutMs, naming the call and the last cause', async () => {
    const started = Date.now();
    await expect(
      withRetries(
        'listing offsets',
        async () => {
          throw new RetriableError('Leader not available');
        },
        { timeoutMs: 500, logger: recordingLogger([]) },
      ),
    ).rejects.toThrow(
      /listing offsets: still failing after \d+ attempts over 500 ms \(taskTimeoutMs\): Leader not available/,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('does not retry an error that is not transient', async () => {
    let calls = 0;
    await expect(
      withRetries(
        'x',
        async () => {
          calls++;
          throw new StreamsError('topic authorization failed');
        },
        { timeoutMs: 10_000, logger: recordingLogger([]) },
      ),
    ).rejects.toThrow('topic authorization failed');
    expect(calls).toBe(1);
  });
});
