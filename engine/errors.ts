// The engine's error types. They sit at the bottom layer: every other layer may throw them, and
// the runtime decides from the class alone what a failure means (ARCHITECTURE §12).

/** A failure while running a topology; the message says which task, node, topic/partition/offset. */
export class StreamsError extends Error {
  override name = 'StreamsError';
}

/**
 * The instance lost its tasks, or their uncommitted work can no longer be committed: a newer
 * generation or transactional producer took over, or the open transaction must be aborted. The
 * thread aborts, closes the tasks dirty, rewinds to the committed offsets and rebuilds them.
 */
export class TaskMigratedError extends StreamsError {
  override name = 'TaskMigratedError';
}

/**
 * A transient condition of the cluster or the client (a broker down, a leader moving, a
 * coordinator loading, a request timing out). The call is retried with back-off until
 * `taskTimeoutMs`; only then does it become fatal.
 */
export class RetriableError extends StreamsError {
  override name = 'RetriableError';
}

/**
 * A Kafka client handle is unusable (librdkafka's fatal errors). The runtime replaces it: a producer
 * with a new one (the open work is redone from the committed offsets), a consumer with a new
 * stream thread.
 */
export class ClientFatalError extends StreamsError {
  override name = 'ClientFatalError';
  constructor(
    readonly client: 'consumer' | 'producer',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * A suppression buffer configured to shut down when full is full (Kafka Streams' "buffer exceeded
 * its max capacity"). Never handled as a record error: the instance stops, naming the node and sizes.
 */
export class BufferFullError extends StreamsError {
  override name = 'BufferFullError';
}

/** A configuration value is unknown, of the wrong type or out of range; the message names the key and the fix. */
export class ConfigError extends StreamsError {
  override name = 'ConfigError';
}

/** True for the errors that say something about the cluster or a client, not about a record. */
export function isClientFailure(error: unknown): boolean {
  return (
    error instanceof TaskMigratedError || error instanceof RetriableError || error instanceof ClientFatalError
  );
}
