import type { StateRestoreListener } from '../../../state-stores/restore-listener.js';
import { StreamsError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { type TopicPartition, type TopicPartitionOffset, tpKey } from '../../topic-partition.js';
import type { ConsumerPort } from '../../transport/ports.js';
import type { StreamsMetrics } from './metrics.js';
import type { ChangelogRegistration, TaskStateManager } from './task-state-manager.js';

/** How a restore reaches the brokers: a restore reader, and changelog end offsets. */
export interface StateAccess {
  restoreConsumer(): ConsumerPort;
  endOffsets(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]>;
  /** exactly_once_v2: checkpoints only at clean close, removed while a task runs. */
  readonly eos: boolean;
  /** The application's restore listener, if it set one. */
  restoreListener(): StateRestoreListener | null;
  /** How long a restore may make no progress before it fails (taskTimeoutMs). */
  readonly taskTimeoutMs: number;
}

/** A restore that makes no progress says so this often. */
const STALLED_RESTORE_LOG_MS = 30_000;

/** Restores bigger than this are announced in the log, start and end. */
const LOGGED_RESTORE_RECORDS = 10_000;

/**
 * Replays the changelog partitions of new tasks' stores up to their end (read_committed), in
 * batches; returns how many records were replayed. The end offsets come first: a restore that
 * cannot learn where a changelog ends does not start (and wipes nothing). Each state manager says
 * where its stores start (their checkpoint, or the start after a wipe).
 */
export async function restoreChangelogs(
  managers: readonly TaskStateManager[],
  state: StateAccess,
  env: { readonly logger: Logger; readonly metrics: StreamsMetrics },
): Promise<number> {
  const changelogs = managers.flatMap((m) => m.changelogs);
  if (changelogs.length === 0) return 0;
  const ends = new Map((await state.endOffsets(changelogs)).map((e) => [tpKey(e), e.offset]));
  const starts = new Map<ChangelogRegistration, number>();
  for (const manager of managers) {
    for (const [c, from] of manager.restoreStarts(env.logger, { ends, removeCheckpoint: state.eos }))
      starts.set(c, from);
  }
  const listener = state.restoreListener();
  const consumer = state.restoreConsumer();
  let restored = 0;
  try {
    consumer.assign(
      changelogs.map((c) => ({ topic: c.topic, partition: c.partition, offset: starts.get(c) ?? 0 })),
    );
    const pending = new Map<string, { registration: ChangelogRegistration; end: number; restored: number }>();
    for (const c of changelogs) {
      const start = starts.get(c) ?? 0;
      const end = ends.get(tpKey(c)) ?? 0;
      if (end <= start) continue;
      pending.set(tpKey(c), { registration: c, end, restored: 0 });
      listener?.onRestoreStart?.({ topic: c.topic, partition: c.partition }, c.store.name, start, end);
    }
    const total = [...pending.values()].reduce((n, p) => n + p.end - (starts.get(p.registration) ?? 0), 0);
    const tasks = managers.map((m) => String(m.taskId));
    if (total > LOGGED_RESTORE_RECORDS)
      env.logger.info(
        { records: total, tasks },
        `restoring up to ${total} changelog records for ${tasks.length} task(s)`,
      );
    let progressAtMs = Date.now();
    let loggedAtMs = progressAtMs;
    while (pending.size > 0) {
      const batch = await consumer.poll(10_000, 100);
      const now = Date.now();
      if (batch.length > 0) progressAtMs = now;
      else if (now - loggedAtMs >= STALLED_RESTORE_LOG_MS) {
        loggedAtMs = now;
        const waiting = [...pending.values()].map(
          (p) =>
            `${p.registration.topic}-${p.registration.partition} at ${consumer.position(p.registration)} of ${p.end}`,
        );
        if (now - progressAtMs > state.taskTimeoutMs)
          throw new StreamsError(
            `restoring made no progress for ${now - progressAtMs} ms (taskTimeoutMs): ${waiting.join(', ')}`,
          );
        env.logger.warn({ waiting }, `restoring makes no progress: ${waiting.join(', ')}`);
      }
      const inBatch = new Map<string, { count: number; last: number }>();
      for (const record of batch) {
        const k = tpKey(record);
        const entry = pending.get(k);
        if (!entry || record.offset >= entry.end) continue;
        entry.registration.restore(record.key!, record.value, record.timestampMs);
        entry.restored++;
        restored++;
        const seen = inBatch.get(k) ?? { count: 0, last: record.offset };
        inBatch.set(k, { count: seen.count + 1, last: record.offset });
      }
      for (const manager of managers) manager.flush();
      for (const [k, p] of pending) {
        const tp = { topic: p.registration.topic, partition: p.registration.partition };
        const seen = inBatch.get(k);
        if (seen) listener?.onBatchRestored?.(tp, p.registration.store.name, seen.last, seen.count);
        if (consumer.position(p.registration) >= p.end) {
          pending.delete(k);
          listener?.onRestoreEnd?.(tp, p.registration.store.name, p.restored);
        }
      }
    }
    if (total > LOGGED_RESTORE_RECORDS)
      env.logger.info({ records: restored }, `restored ${restored} changelog records`);
  } finally {
    await consumer.close();
  }
  env.metrics.restoredRecords.inc(restored);
  return restored;
}
