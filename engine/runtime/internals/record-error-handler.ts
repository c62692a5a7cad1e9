import type { Header } from '../../processor/record.js';
import type { TaskId } from '../../processor/task-id.js';
import { StreamsError } from '../streams-error.js';
import type { ConsumerRecord } from './consumer-record.js';
import type { StreamsMetrics } from './metrics.js';
import type { RecordCollector } from './record-collector.js';

/** What to do with a record that cannot be deserialized, processed or produced (ARCHITECTURE §8). */
export type ErrorHandling = 'fail' | 'continue' | 'dlq';
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
} as const;

/**
 * Applies the configured handler to a failed record: `fail` throws a StreamsError naming task,
 * topic, partition and offset; `continue` logs, counts and skips; `dlq` writes the raw key and
 * value with error headers to the dead-letter topic (through the task's producer, so inside the
 * transaction under exactly-once) and skips. Nothing is dropped silently.
 */
export class RecordErrorHandler {
  constructor(
    private readonly config: ErrorHandlingConfig,
    private readonly collector: RecordCollector,
    private readonly metrics: StreamsMetrics,
    private readonly taskId: TaskId,
  ) {}

  handle(kind: ErrorKind, raw: ConsumerRecord, error: Error): void {
    const where = `${raw.topic}-${raw.partition} offset ${raw.offset}`;
    const choice = this.config[kind];
    if (choice === 'fail') {
      if (error instanceof StreamsError) throw error;
      throw new StreamsError(
        `task ${this.taskId}: ${kind} error for the record at ${where}: ${error.message}`,
        { cause: error },
      );
    }
    const task = String(this.taskId);
    if (choice === 'continue') {
      console.warn(
        `rivulet: task ${task} skipped the record at ${where} after a ${kind} error: ${error.message}`,
      );
      this.metrics.droppedRecords.inc({ task, reason: `${kind}-error` });
      return;
    }
    const headers: Header[] = [
      ...raw.headers,
      header(DLQ_HEADERS.exception, error.name),
      header(DLQ_HEADERS.message, error.message),
      header(DLQ_HEADERS.stacktrace, error.stack ?? ''),
      header(DLQ_HEADERS.topic, raw.topic),
      header(DLQ_HEADERS.partition, String(raw.partition)),
      header(DLQ_HEADERS.offset, String(raw.offset)),
      header(DLQ_HEADERS.taskId, task),
    ];
    this.collector.send(
      this.config.deadLetterQueueTopic,
      raw.key,
      raw.value,
      headers,
      raw.timestampMs,
      undefined,
    );
    this.metrics.dlqRecords.inc({ task, kind });
  }
}

function header(key: string, value: string): Header {
  return { key, value: Buffer.from(value, 'utf8') };
}
