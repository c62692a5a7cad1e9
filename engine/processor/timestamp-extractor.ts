import { StreamsError } from '../errors.js';
import type { Headers } from './record.js';

/** A source record as a timestamp extractor sees it: deserialized, with its log position. */
export interface ExtractorRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: unknown;
  readonly value: unknown;
  /** The record's own timestamp (CreateTime or LogAppendTime). */
  readonly timestampMs: number;
  readonly headers: Headers;
}

/**
 * Gives each source record its event time (Kafka Streams' TimestampExtractor): what windows, joins,
 * stream time and the records' outputs go by. `partitionTimeMs` is the largest timestamp this
 * partition has yielded so far (-1 before the first). A negative result drops the record (logged
 * and counted in rivulet_dropped_records_total, reason "negative-timestamp").
 */
export interface TimestampExtractor {
  extract(record: ExtractorRecord, partitionTimeMs: number): number;
}

function invalid(record: ExtractorRecord, fix: string): StreamsError {
  return new StreamsError(
    `the record at ${record.topic}-${record.partition} offset ${record.offset} has an invalid (negative) timestamp ${record.timestampMs}; ` +
      `it was probably written by a producer that sets no timestamp. ${fix}`,
  );
}

/** The default: the record's timestamp; a negative one fails the instance (Kafka Streams' FailOnInvalidTimestamp). */
export class FailOnInvalidTimestamp implements TimestampExtractor {
  extract(record: ExtractorRecord): number {
    if (record.timestampMs < 0) {
      throw invalid(
        record,
        'Fix the producer, or use another TimestampExtractor (LogAndSkipOnInvalidTimestamp, UsePartitionTimeOnInvalidTimestamp)',
      );
    }
    return record.timestampMs;
  }
}

/** The record's timestamp; a record with a negative one is dropped (logged and counted). */
export class LogAndSkipOnInvalidTimestamp implements TimestampExtractor {
  extract(record: ExtractorRecord): number {
    return record.timestampMs;
  }
}

/** The record's timestamp; a negative one is replaced by the partition's time, which must be known. */
export class UsePartitionTimeOnInvalidTimestamp implements TimestampExtractor {
  extract(record: ExtractorRecord, partitionTimeMs: number): number {
    if (record.timestampMs >= 0) return record.timestampMs;
    if (partitionTimeMs < 0) {
      throw invalid(
        record,
        'The partition has no time yet to use instead (it is its first record); fix the producer or use LogAndSkipOnInvalidTimestamp',
      );
    }
    return partitionTimeMs;
  }
}

/** Processing time: the wall clock when the record is read (Kafka Streams' WallclockTimestampExtractor). */
export class WallclockTimestampExtractor implements TimestampExtractor {
  extract(): number {
    return Date.now();
  }
}
