import type { KeyValueStore } from '../../state-stores/key-value-store.js';
import { Stores } from '../../state-stores/stores.js';
import type { KStream } from '../dsl/kstream.js';
import { Produced } from '../dsl/produced.js';
import type { ProcessorContext, ProcessorSupplier } from '../processor/processor.js';
import { type Headers, Record } from '../processor/record.js';
import type { Serde } from '../serdes/serde.js';
import { Serdes } from '../serdes/serdes.js';

/** How a failed record is tried again: after each delay in turn, then to the dead-letter topic. */
export interface RetryOptions<K, V> {
  /** Names the store of the records waiting for their next attempt. */
  readonly name: string;
  /** Does the work; throws when it failed (the message goes into the dead-letter headers). Synchronous. */
  attempt(key: K, value: V): void;
  /** Wall-clock delays before the 2nd, 3rd… attempts, e.g. [1_000, 10_000, 60_000]. */
  readonly delaysMs: readonly number[];
  /** Where a record goes after its last failed attempt, with the error in its headers. */
  readonly deadLetterTopic: string;
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  /** How often (wall-clock) waiting records are checked; 1000 ms by default. */
  readonly checkIntervalMs?: number;
}

/** A record waiting for its next attempt. `key` and `value` must be JSON. */
interface Waiting<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestampMs: number;
  /** Attempts made so far. */
  readonly attempts: number;
  readonly nextAttemptAtMs: number;
  readonly lastError: string;
}

/** The headers a dead-lettered record carries. */
export const RETRY_HEADERS = {
  error: 'rivulet.retry.error',
  attempts: 'rivulet.retry.attempts',
} as const;

/**
 * Tries each record's work, and tries a failed one again after each of `delaysMs` (wall-clock, a
 * store and a punctuator: nothing blocks the records behind it); after the last failure the record
 * goes to `deadLetterTopic` with the error and the attempt count in its headers. Returns the stream
 * of records whose work succeeded (for a "sent" topic, say). The waiting records are in a
 * changelog-backed store, so retries survive restarts and rebalances (ARCHITECTURE §11).
 */
export function withRetries<K, V>(records: KStream<K, V>, options: RetryOptions<K, V>): KStream<K, V> {
  const store = Stores.keyValueStoreBuilder(
    options.name,
    Serdes.String(),
    Serdes.Json<Waiting<K, V>>(),
  ).withStoreType('persistent');
  const supplier: ProcessorSupplier<K, V, K, Tried<V>> = {
    stores: () => [store],
    get() {
      let context: ProcessorContext<K, Tried<V>>;
      let waiting: KeyValueStore<string, Waiting<K, V>>;
      let sequence = 0;
      /** One attempt: null when it worked, else the error's message. */
      const tryOnce = (key: K, value: V): string | null => {
        try {
          options.attempt(key, value);
          return null;
        } catch (err) {
          return err instanceof Error ? err.message : String(err);
        }
      };
      /** After a failed attempt: wait for the next one, or go to the dead-letter topic. */
      const failed = (id: string, entry: Waiting<K, V>, now: number) => {
        const delay = options.delaysMs[entry.attempts - 1];
        if (delay !== undefined) {
          waiting.put(id, { ...entry, nextAttemptAtMs: now + delay });
          return;
        }
        waiting.delete(id);
        const headers: Headers = [
          { key: RETRY_HEADERS.error, value: Buffer.from(entry.lastError) },
          { key: RETRY_HEADERS.attempts, value: Buffer.from(String(entry.attempts)) },
        ];
        context.forward(
          new Record(entry.key, { deadLetter: true, value: entry.value }, entry.timestampMs, headers),
        );
      };
      return {
        init(ctx) {
          context = ctx;
          waiting = ctx.getStateStore(options.name);
          ctx.schedule(options.checkIntervalMs ?? 1_000, 'wall-clock', (now) => {
            const due = [...waiting.all()].filter((e) => e.value.nextAttemptAtMs <= now);
            for (const { key: id, value: entry } of due) {
              const error = tryOnce(entry.key, entry.value);
              if (error === null) {
                waiting.delete(id);
                context.forward(
                  new Record(entry.key, { deadLetter: false, value: entry.value }, entry.timestampMs),
                );
              } else failed(id, { ...entry, attempts: entry.attempts + 1, lastError: error }, now);
            }
          });
        },
        process(record) {
          const error = tryOnce(record.key, record.value);
          if (error === null) {
            context.forward(record.withValue({ deadLetter: false, value: record.value }));
            return;
          }
          // A waiting record's id: where it came from, unique per task (and per record of a punctuation).
          const meta = context.recordMetadata();
          const id = meta
            ? `${meta.topic}-${meta.partition}-${meta.offset}`
            : `${context.taskId}-${context.currentSystemTimeMs()}-${sequence++}`;
          failed(
            id,
            {
              key: record.key,
              value: record.value,
              timestampMs: record.timestampMs,
              attempts: 1,
              nextAttemptAtMs: 0,
              lastError: error,
            },
            context.currentSystemTimeMs(),
          );
        },
      };
    },
  };
  const tried = records.process(supplier);
  tried
    .filter((_key, t) => t.deadLetter)
    .mapValues((t) => t.value)
    .to(options.deadLetterTopic, Produced.with(options.keySerde, options.valueSerde));
  return tried.filter((_key, t) => !t.deadLetter).mapValues((t) => t.value);
}

/** What the retrying processor sends on: a record whose work succeeded, or one for the dead-letter topic. */
interface Tried<V> {
  readonly deadLetter: boolean;
  readonly value: V;
}
