import { BufferFullError, isClientFailure, StreamsError } from '../../errors.js';
import { type Logger, RateLimitedLog } from '../../logger.js';
import type { Header } from '../../processor/record.js';
import type { TaskId } from '../../task-id.js';
import type { ConsumerRecord } from '../../transport/ports.js';
import type { ErrorHandling } from '../streams-config.js';
import type { StreamsMetrics } from './metrics.js';
import type { RecordCollector } from './record-collector.js';
import type { RefusedOutputs } from './refused-outputs.js';

/** What to do with a record that cannot be deserialized, processed or produced (ARCHITECTURE §8). */
export type ErrorKind = 'deserialization' | 'processing' | 'production';

export interface ErrorHandlingConfig {
  readonly deserialization: ErrorHandling;
  readonly processing: ErrorHandling;
  readonly production: ErrorHandling;
  /** Where `dlq` writes the raw record. */
  readonly deadLetterQueueTopic: string;
}

/** Header names of a dead-letter record, as Kafka Streams' KIP-1034 handlers write them. */
export const DLQ_HEADERS = {
  exception: '__streams.errors.exception',
  message: '__streams.errors.message',
  stacktrace: '__streams.errors.stacktrace',
  topic: '__streams.errors.topic',
  partition: '__streams.errors.partition',
  offset: '__streams.errors.offset',
  taskId: '__streams.errors.task.id',
  /** rivulet's own: set when the value was left out because it is too large for the dead-letter topic. */
  valueOmitted: '__rivulet.errors.value.omitted',
  /** rivulet's own: the input's timestamp, when the dead-letter topic refused it and the record is stamped now. */
  timestamp: '__rivulet.errors.timestamp',
} as const;

/**
 * A dead-letter record carries the input's value only up to this size (librdkafka's default
 * message.max.bytes, and the broker's default limit); a larger one, or one the dead-letter topic
 * refused, is referenced by topic, partition and offset instead.
 */
const DLQ_MAX_VALUE_BYTES = 900_000;

/**
 * Applies the configured handler to a failed record: `fail` throws a StreamsError naming task,
 * topic, partition and offset; `continue` logs, counts and skips; `dlq` writes the raw key and
 * value with error headers to the dead-letter topic (through the task's producer, so inside the
 * transaction under exactly-once) and skips. Nothing is dropped silently. Errors of the cluster
 * or a client (migration, fatal client, retriable) are not the record's fault: they pass through.
 */
export class RecordErrorHandler {
  private readonly skips: RateLimitedLog;

  constructor(
    private readonly config: ErrorHandlingConfig,
    private readonly collector: RecordCollector,
    private readonly metrics: StreamsMetrics,
    private readonly taskId: TaskId,
    logger: Logger,
    private readonly refused: RefusedOutputs,
  ) {
    this.skips = new RateLimitedLog(logger, 10_000);
  }

  handle(kind: ErrorKind, raw: ConsumerRecord, error: Error): void {
    if (isClientFailure(error) || error instanceof RecordFailedError || error instanceof BufferFullError)
      throw error;
    const record = { topic: raw.topic, partition: raw.partition, offset: raw.offset };
    const where = `${raw.topic}-${raw.partition} offset ${raw.offset}`;
    const task = String(this.taskId);
    const choice = this.config[kind];
    if (choice === 'fail') {
      throw new RecordFailedError(
        `task ${task}: ${kind} error for the record at ${where}: ${error.message}. ` +
          `Fix the record or the code, or set ${kind}ExceptionHandler to 'continue' or 'dlq'`,
        { cause: error },
      );
    }
    if (choice === 'continue') {
      this.skips.warn(
        `${kind}`,
        { task, record, err: error },
        `skipped the record at ${where} after a ${kind} error (${kind}ExceptionHandler 'continue')`,
      );
      this.metrics.droppedRecords.inc({ task, reason: `${kind}-error` });
      return;
    }
    this.sendToDeadLetterTopic(raw, error);
    this.skips.warn(
      `${kind}-dlq`,
      { task, record, deadLetterTopic: this.config.deadLetterQueueTopic, err: error },
      `wrote the record at ${where} to the dead-letter topic after a ${kind} error`,
    );
    this.metrics.dlqRecords.inc({ task, kind });
  }

  private sendToDeadLetterTopic(raw: ConsumerRecord, error: Error): void {
    const topic = this.config.deadLetterQueueTopic;
    const valueBytes = raw.value?.length ?? 0;
    // The dead-letter topic refused the full record (too large, or a timestamp it does not take):
    // write a reference to the input instead, stamped now.
    const refusedBefore = this.refused.get(raw, topic) !== undefined;
    const omitValue = valueBytes > DLQ_MAX_VALUE_BYTES || refusedBefore;
    const headers: Header[] = [
      ...raw.headers,
      header(DLQ_HEADERS.exception, error.name),
      header(DLQ_HEADERS.message, error.message),
      header(DLQ_HEADERS.stacktrace, error.stack ?? ''),
      header(DLQ_HEADERS.topic, raw.topic),
      header(DLQ_HEADERS.partition, String(raw.partition)),
      header(DLQ_HEADERS.offset, String(raw.offset)),
      header(DLQ_HEADERS.taskId, String(this.taskId)),
    ];
    if (omitValue) {
      headers.push(
        header(
          DLQ_HEADERS.valueOmitted,
          `${valueBytes} bytes; the value is at ${raw.topic}-${raw.partition} offset ${raw.offset}`,
        ),
      );
    }
    if (refusedBefore) headers.push(header(DLQ_HEADERS.timestamp, String(raw.timestampMs)));
    const timestampMs = refusedBefore ? Date.now() : raw.timestampMs;
    this.collector.send(topic, raw.key, omitValue ? null : raw.value, headers, timestampMs, undefined);
  }
}

/** A handler said `fail`: the error that stops the instance, naming the record. Outer handlers pass it on. */
export class RecordFailedError extends StreamsError {
  override name = 'RecordFailedError';
}

function header(key: string, value: string): Header {
  return { key, value: Buffer.from(value, 'utf8') };
}
