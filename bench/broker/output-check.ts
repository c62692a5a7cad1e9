import type { OutputCheck } from '../workloads/checks.js';
import type { BenchAdmin } from './bench-admin.js';
import { callback, Kafka, type RdKafka } from './native.js';
import { PARTITIONS } from './preload.js';

/**
 * Reads an output topic (read_committed) from the start into the workload's check until the check
 * passes, or until the output has not grown for `quietMs`. Returns the check's last problem (null:
 * the output is right) and how many records were read.
 */
export async function checkOutput(
  bootstrap: string,
  admin: BenchAdmin,
  topic: string,
  check: OutputCheck,
  quietMs: number,
): Promise<{ problem: string | null; records: number }> {
  const consumer = new Kafka.KafkaConsumer(
    {
      'bootstrap.servers': bootstrap,
      'group.id': `bench-checker-${topic}`,
      'enable.auto.commit': false,
      'isolation.level': 'read_committed',
      'fetch.wait.max.ms': 50,
      'enable.partition.eof': true,
    },
    {},
  );
  await callback<unknown>('consumer.connect', (cb) => consumer.connect({}, cb));
  consumer.setDefaultConsumeTimeout(100);
  const partitions = Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition }));
  consumer.assign(partitions.map((p) => ({ ...p, offset: 0 })));
  // Where each partition's reading reached the end: past transaction markers too, which no record shows.
  const atEnd = new Map<number, number>();
  consumer.on('partition.eof', (eof: RdKafka.TopicPartitionOffset) => atEnd.set(eof.partition, eof.offset));
  let records = 0;
  let lastGrowth = Date.now();
  let problem: string | null = 'no output read';
  try {
    for (;;) {
      const batch = await callback<RdKafka.Message[]>('consumer.consume', (cb) =>
        consumer.consume(10_000, cb),
      );
      for (const m of batch) {
        check.accept((m.key as Buffer | undefined) ?? null, m.value);
      }
      records += batch.length;
      if (batch.length > 0) {
        lastGrowth = Date.now();
        continue;
      }
      // Caught up with what is readable now? Then judge; an aggregate may still be waiting in a cache.
      const ends = await admin.offsets(topic, true);
      if (ends.every((e) => (atEnd.get(e.partition) ?? -1) >= e.end)) {
        problem = check.problem();
        if (problem === null || Date.now() - lastGrowth > quietMs) return { problem, records };
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await callback<unknown>('consumer.disconnect', (cb) => consumer.disconnect(cb)).catch(() => {});
  }
}
