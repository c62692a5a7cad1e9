import { ClientFatalError, StreamsError } from '../../errors.js';

/**
 * Flushes in rounds (`round`: one native flush of about a second) until every queued record is
 * acknowledged or has failed. A round that fails is tried again until `timeoutMs` has passed, then
 * the flush fails naming why; a fatal producer error (`checkFatal` throws it) fails it at once.
 */
export async function flushWithin(
  timeoutMs: number,
  round: () => Promise<void>,
  checkFatal: () => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    checkFatal();
    try {
      await round();
      return;
    } catch (err) {
      if (err instanceof ClientFatalError) throw err;
      if (Date.now() > deadline)
        throw new StreamsError(
          `the producer could not deliver its records within ${timeoutMs} ms: ${(err as Error).message}`,
          { cause: err },
        );
    }
  }
}
