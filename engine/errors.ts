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

/** An interactive query named a store the topology does not have; the message lists the ones it has. */
export class UnknownStateStoreError extends StreamsError {
  override name = 'UnknownStateStoreError';
  constructor(
    readonly storeName: string,
    readonly knownStores: readonly string[],
  ) {
    super(
      `no state store named ${storeName} in the topology; its stores are: ${knownStores.join(', ') || 'none'}`,
    );
  }
}

/** A call that needs a started instance came before start() (Kafka Streams' StreamsNotStartedException). */
export class StreamsNotStartedError extends StreamsError {
  override name = 'StreamsNotStartedError';
}

/** An interactive query asked for a store as a type it is not (a window query of a key-value store). */
export class InvalidStoreTypeError extends StreamsError {
  override name = 'InvalidStoreTypeError';
}

/**
 * A store cannot answer here now: the instance is not RUNNING (it rebalances, restores, or stopped),
 * or the asked-for partition is not hosted here. Retry later, ask the instance that hosts it
 * (queryMetadataForKey), or allow stale stores (standbys and restoring stores).
 */
export class StoreNotQueryableError extends StreamsError {
  override name = 'StoreNotQueryableError';
  constructor(
    readonly storeName: string,
    /** The instance's state when asked. */
    readonly state: string,
    message: string,
  ) {
    super(message);
  }
}
