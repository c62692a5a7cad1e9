import { describe, expect, it } from 'vitest';
import { ClientFatalError, RetriableError, StreamsError, TaskMigratedError } from '../../errors.js';
import { toStreamsError } from './kafka-errors.js';

const err = (code: number, extra: Record<string, boolean> = {}) =>
  Object.assign(new Error(`librdkafka ${code}`), { code, ...extra });

describe('librdkafka errors, classified as Kafka Streams classifies the Java client', () => {
  it('transient cluster states are retriable', () => {
    for (const code of [5, 6, 7, 15, 16, 19, 74, -185, -187, -192, -195, -156])
      expect(toStreamsError('x', err(code)), `code ${code}`).toBeInstanceOf(RetriableError);
    expect(toStreamsError('x', err(9999, { isRetriable: true }))).toBeInstanceOf(RetriableError);
  });

  it('fencing, stale membership, a transaction to abort and records it purged mean the tasks migrated', () => {
    // -152/-151: records purged by a failed transaction were never refused; they are redone, not isolated.
    for (const code of [-152, -151, -144, -147, 22, 25, 27, 47, 82, 90])
      expect(toStreamsError('x', err(code)), `code ${code}`).toBeInstanceOf(TaskMigratedError);
    expect(toStreamsError('x', err(48, { isTxnRequiresAbort: true }))).toBeInstanceOf(TaskMigratedError);
  });

  it("a fatal error is the client's: it is replaced (consumer, producer), or fails (admin)", () => {
    const consumer = toStreamsError('consuming', err(-150), 'consumer');
    expect(consumer).toBeInstanceOf(ClientFatalError);
    expect((consumer as ClientFatalError).client).toBe('consumer');
    expect(toStreamsError('x', err(47, { isFatal: true }), 'producer')).toBeInstanceOf(ClientFatalError);
    expect(toStreamsError('x', err(-150), 'admin')).not.toBeInstanceOf(ClientFatalError);
  });

  it('a refusal of the record is a plain error naming what was done', () => {
    const e = toStreamsError('delivering a record to out-0', err(10));
    expect(e.constructor).toBe(StreamsError);
    expect(e.message).toBe('delivering a record to out-0: librdkafka 10 (code 10)');
  });
});
