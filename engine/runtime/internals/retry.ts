import { RetriableError } from '../../errors.js';
import type { Logger } from '../../logger.js';

/** Back-off between retries: doubling from 100 ms up to 5 s. */
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/**
 * Calls `fn` until it succeeds, retrying RetriableErrors with back-off for up to `timeoutMs`
 * (Kafka Streams' task.timeout.ms); then, or on any other error, it throws. Each retry is logged
 * with its cause.
 */
export async function withRetries<T>(
  what: string,
  fn: () => Promise<T>,
  options: { timeoutMs: number; logger: Logger },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let backoff = FIRST_BACKOFF_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof RetriableError)) throw err;
      if (Date.now() + backoff > deadline) {
        throw new RetriableError(
          `${what}: still failing after ${attempt} attempts over ${options.timeoutMs} ms (taskTimeoutMs): ${err.message}`,
          { cause: err },
        );
      }
      options.logger.warn({ err, attempt, retryInMs: backoff }, `${what} failed; retrying`);
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }
}
