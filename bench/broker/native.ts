import { createRequire } from 'node:module';
import type * as RdKafka from '@confluentinc/kafka-javascript';

/**
 * The client library for the harness itself (preload, latency generator, output readers, the
 * native baseline). The bench reaches the engine only through `rivulet`, so it loads the library
 * on its own (a CommonJS module with a native build).
 */
export const Kafka = createRequire(import.meta.url)('@confluentinc/kafka-javascript') as typeof RdKafka;
export type { RdKafka };

/** A librdkafka callback call as a promise; a failure names the call. */
export function callback<T>(
  call: string,
  start: (cb: (err: unknown, value?: T) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) =>
    start((err, value) => {
      if (err) reject(new Error(`${call} failed: ${(err as Error).message ?? String(err)}`, { cause: err }));
      else resolve(value as T);
    }),
  );
}

const QUEUE_FULL = -184;

/** A fast producer for the harness: big batches, murmur2 partitioning like Java's default. */
export async function harnessProducer(bootstrap: string, lingerMs = 20): Promise<RdKafka.Producer> {
  const producer = new Kafka.Producer({
    'bootstrap.servers': bootstrap,
    partitioner: 'murmur2_random',
    'linger.ms': lingerMs,
    'batch.num.messages': 10_000,
    'queue.buffering.max.messages': 1_000_000,
    'enable.idempotence': true,
    dr_cb: false,
  });
  await callback<unknown>('producer.connect', (cb) => producer.connect({}, cb));
  producer.setPollInterval(50);
  return producer;
}

/** produce() that waits (briefly, in the event loop) while librdkafka's queue is full. */
export async function send(
  producer: RdKafka.Producer,
  topic: string,
  key: Buffer,
  value: Buffer,
  timestampMs: number,
): Promise<void> {
  for (;;) {
    try {
      producer.produce(topic, null, value, key, timestampMs);
      return;
    } catch (err) {
      if ((err as RdKafka.LibrdKafkaError).code !== QUEUE_FULL) throw err;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}
