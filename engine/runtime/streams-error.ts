/** A failure while running a topology; the message says which task, node, topic/partition/offset. */
export class StreamsError extends Error {
  override name = 'StreamsError';
}

/** The instance lost its tasks to another member (a newer generation or transactional producer). */
export class TaskMigratedError extends StreamsError {
  override name = 'TaskMigratedError';
}
