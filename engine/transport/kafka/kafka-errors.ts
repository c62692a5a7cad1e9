import type { LibrdKafkaError } from '@confluentinc/kafka-javascript';
import { ClientFatalError, RetriableError, StreamsError, TaskMigratedError } from '../../errors.js';

// How the engine reads librdkafka's errors, as Kafka Streams reads the Java client's exceptions.

/** The tasks moved on: fencing and stale group membership; records dropped with a failed transaction. */
const MIGRATED_CODES = new Set([
  -152, // ERR__PURGE_QUEUE: purged unsent by an abort or a failed transaction, not refused by the cluster
  -151, // ERR__PURGE_INFLIGHT: purged while in flight, likewise
  -144, // ERR__FENCED: this producer instance was fenced
  -147, // ERR__MAX_POLL_EXCEEDED: the member left the group
  90, // PRODUCER_FENCED
  47, // INVALID_PRODUCER_EPOCH
  22, // ILLEGAL_GENERATION
  25, // UNKNOWN_MEMBER_ID
  27, // REBALANCE_IN_PROGRESS
  82, // FENCED_INSTANCE_ID
]);

/** Transient states of the cluster: the same call may succeed later. */
const RETRIABLE_CODES = new Set([
  -195, // ERR__TRANSPORT
  -193, // ERR__RESOLVE
  -192, // ERR__MSG_TIMED_OUT
  -187, // ERR__ALL_BROKERS_DOWN
  -185, // ERR__TIMED_OUT
  -180, // ERR__WAIT_COORD
  -166, // ERR__TIMED_OUT_QUEUE
  -156, // ERR__NOENT: e.g. no leader known yet for a partition whose offsets are listed
  -153, // ERR__RETRY
  5, // LEADER_NOT_AVAILABLE
  6, // NOT_LEADER_OR_FOLLOWER
  7, // REQUEST_TIMED_OUT
  8, // BROKER_NOT_AVAILABLE
  13, // NETWORK_EXCEPTION
  14, // COORDINATOR_LOAD_IN_PROGRESS
  15, // COORDINATOR_NOT_AVAILABLE
  16, // NOT_COORDINATOR
  19, // NOT_ENOUGH_REPLICAS
  20, // NOT_ENOUGH_REPLICAS_AFTER_APPEND
  51, // CONCURRENT_TRANSACTIONS
  56, // KAFKA_STORAGE_ERROR
  74, // FENCED_LEADER_EPOCH
  75, // UNKNOWN_LEADER_EPOCH
  89, // THROTTLING_QUOTA_EXCEEDED
]);

export const ERR = {
  UNKNOWN_TOPIC_OR_PART: 3,
  TOPIC_ALREADY_EXISTS: 36,
  QUEUE_FULL: -184,
  STATE: -172,
  FATAL: -150,
} as const;

type NativeError = Pick<LibrdKafkaError, 'message' | 'code'> & {
  isFatal?: boolean;
  isRetriable?: boolean;
  isTxnRequiresAbort?: boolean;
};

/**
 * Turns a librdkafka error into the engine's, naming what was being done:
 * - fencing, a stale generation, or a transaction that must be aborted → TaskMigratedError
 *   (abort, close the tasks dirty, rewind, rebuild);
 * - a fatal error → ClientFatalError (the handle is replaced);
 * - a transient cluster state → RetriableError (retried with back-off);
 * - anything else → StreamsError.
 */
export function toStreamsError(
  doing: string,
  err: NativeError | Error,
  client: 'consumer' | 'producer' | 'admin' = 'admin',
): StreamsError {
  const e = err as NativeError;
  const message = `${doing}: ${e.message} (code ${e.code ?? 'n/a'})`;
  const options = { cause: err };
  if (e.isFatal || e.code === ERR.FATAL) {
    return client === 'admin'
      ? new StreamsError(message, options)
      : new ClientFatalError(client, message, options);
  }
  if (MIGRATED_CODES.has(e.code) || e.isTxnRequiresAbort) return new TaskMigratedError(message, options);
  if (RETRIABLE_CODES.has(e.code) || e.isRetriable) return new RetriableError(message, options);
  return new StreamsError(message, options);
}

/** Wraps a librdkafka callback-style call in a promise, translating its error. */
export function callback<T = void>(
  doing: string,
  fn: (cb: (err: LibrdKafkaError | null | undefined, result?: T) => void) => void,
  client: 'consumer' | 'producer' | 'admin' = 'admin',
): Promise<T> {
  return new Promise((resolve, reject) => {
    fn((err, result) => (err ? reject(toStreamsError(doing, err, client)) : resolve(result as T)));
  });
}

/** An error a per-partition answer carried (listOffsets, committed, describe): a failure, never a value. */
export function partitionError(
  doing: string,
  topic: string,
  partition: number | undefined,
  error: NativeError,
): StreamsError {
  const where = partition === undefined ? topic : `${topic}-${partition}`;
  return toStreamsError(`${doing} (${where})`, error);
}
