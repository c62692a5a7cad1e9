import type { LibrdKafkaError } from '@confluentinc/kafka-javascript';
import { StreamsError, TaskMigratedError } from '../../runtime/streams-error.js';

// librdkafka error codes the engine reacts to.
const FENCED_CODES = new Set([
  -144, // ERR__FENCED: this producer instance was fenced
  90, // PRODUCER_FENCED
  47, // INVALID_PRODUCER_EPOCH
  22, // ILLEGAL_GENERATION
  25, // UNKNOWN_MEMBER_ID
  27, // REBALANCE_IN_PROGRESS
  82, // FENCED_INSTANCE_ID
]);

/**
 * Turns a librdkafka error into the engine's: fencing, a stale generation and errors that need the
 * transaction aborted become TaskMigratedError (the thread gives up its tasks and rebuilds them);
 * anything else is a StreamsError naming what was being done.
 */
export function toStreamsError(doing: string, err: LibrdKafkaError | Error): Error {
  const e = err as LibrdKafkaError & { isFatal?: boolean; isTxnRequiresAbort?: boolean };
  const message = `${doing}: ${e.message} (code ${e.code ?? 'n/a'})`;
  if (FENCED_CODES.has(e.code) || e.isTxnRequiresAbort || e.isFatal)
    return new TaskMigratedError(message, { cause: err });
  return new StreamsError(message, { cause: err });
}

/** Wraps a librdkafka callback-style call in a promise, translating its error. */
export function callback<T = void>(
  doing: string,
  fn: (cb: (err: LibrdKafkaError | null | undefined, result?: T) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    fn((err, result) => (err ? reject(toStreamsError(doing, err)) : resolve(result as T)));
  });
}
