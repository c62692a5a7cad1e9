import { CheckpointFile, checkpointKey } from '../../../state-stores/checkpoint-file.js';
import type { StateRestoreListener } from '../../../state-stores/restore-listener.js';
import { StreamsError } from '../../errors.js';
import { TaskId } from '../../task-id.js';
import { tpKey } from '../../topic-partition.js';
import type { SubtopologyDefinition } from '../../topology/internals/subtopologies.js';
import type {
  ConsumerPort,
  ConsumerRecord,
  TopicPartition,
  TopicPartitionOffset,
} from '../../transport/ports.js';
import { type ChangelogRegistration, StreamTask, type TaskEnvironment } from './stream-task.js';

/** How the task manager reaches the brokers for state: a restore reader, and changelog end offsets. */
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

/** At-least-once writes a checkpoint after a commit once this many changelog records were sent since the last one. */
const CHECKPOINT_AFTER_WRITES = 10_000;

/**
 * The active tasks of one instance: creates them for assigned partitions (restoring their stores
 * from the changelogs first: persistent stores from their checkpoint, the rest from the start),
 * routes fetched records to them, checkpoints and closes them.
 */
export class TaskManager {
  readonly tasks = new Map<string, StreamTask>();
  private readonly subtopologyOfTopic = new Map<string, SubtopologyDefinition>();
  /** The task of each input partition. */
  private readonly taskOfPartition = new Map<string, StreamTask>();

  constructor(
    private readonly subtopologies: readonly SubtopologyDefinition[],
    private readonly env: TaskEnvironment,
    private readonly state: StateAccess,
  ) {
    for (const sub of subtopologies) {
      for (const topic of sub.sourceTopics) this.subtopologyOfTopic.set(env.resolveTopic(topic), sub);
    }
  }

  /** Task ids that own the given input partitions. */
  taskIdsFor(partitions: readonly TopicPartition[]): TaskId[] {
    const ids = new Map<string, TaskId>();
    for (const tp of partitions) {
      const sub = this.subtopologyOfTopic.get(tp.topic);
      if (!sub) continue;
      const id = new TaskId(sub.id, tp.partition);
      ids.set(String(id), id);
    }
    return [...ids.values()];
  }

  /** Creates the tasks that do not exist yet and restores their state; returns how many records were restored. */
  async createTasks(ids: readonly TaskId[]): Promise<number> {
    const created: StreamTask[] = [];
    for (const id of ids) {
      if (this.tasks.has(String(id))) continue;
      const task = new StreamTask(id, this.subtopologies[id.subtopology]!, this.env);
      this.tasks.set(String(id), task);
      for (const topic of task.inputTopics())
        this.taskOfPartition.set(tpKey({ topic, partition: id.partition }), task);
      created.push(task);
    }
    return this.restore(created);
  }

  /**
   * Closes tasks. A clean close (after a commit) checkpoints persistent stores at the changelog end;
   * a dirty one does not, so the next owner restores them from the start.
   */
  async closeTasks(ids: readonly TaskId[], clean: boolean): Promise<void> {
    const closing = ids
      .map((id) => this.tasks.get(String(id)))
      .filter((t): t is StreamTask => t !== undefined);
    if (clean) await this.checkpoint(closing.filter((t) => t.hasPersistentStores()));
    for (const task of closing) {
      task.close();
      this.tasks.delete(String(task.id));
      for (const topic of task.inputTopics())
        this.taskOfPartition.delete(tpKey({ topic, partition: task.id.partition }));
    }
  }

  closeAll(clean: boolean): Promise<void> {
    return this.closeTasks(
      [...this.tasks.values()].map((t) => t.id),
      clean,
    );
  }

  /** After an at-least-once commit: checkpoint the tasks whose changelogs moved enough. */
  async maybeCheckpoint(): Promise<void> {
    if (this.state.eos) return;
    const due = [...this.tasks.values()].filter(
      (t) => t.hasPersistentStores() && t.changelogWrites >= CHECKPOINT_AFTER_WRITES,
    );
    await this.checkpoint(due);
  }

  /** Hands a fetched batch to its tasks; records come in runs of one partition. */
  addRecords(records: readonly ConsumerRecord[]): void {
    let start = 0;
    while (start < records.length) {
      const first = records[start]!;
      let end = start + 1;
      while (
        end < records.length &&
        records[end]!.partition === first.partition &&
        records[end]!.topic === first.topic
      )
        end++;
      // A record of a partition whose task was just closed (revoked mid-batch) is dropped: it will be fetched again.
      this.taskOfPartition.get(tpKey(first))?.addRecords(first.topic, records.slice(start, end));
      start = end;
    }
  }

  /** The task of an input partition, by its `tpKey`. */
  taskOf(partitionKey: string): StreamTask | undefined {
    return this.taskOfPartition.get(partitionKey);
  }

  /** Processes one record of the first task that may process; returns that task, or null. */
  processOne(nowMs: number): StreamTask | null {
    for (const task of this.tasks.values()) {
      if (task.status === 'RESTORING' || !task.isProcessable(nowMs)) continue;
      if (task.process()) return task;
    }
    return null;
  }

  /** Processes up to `maxPerTask` records per task, tasks in turn; returns how many were processed. */
  process(maxPerTask: number, nowMs: number): number {
    let processed = 0;
    for (const task of this.tasks.values()) {
      if (task.status === 'RESTORING') continue;
      for (let i = 0; i < maxPerTask && task.isProcessable(nowMs); i++) {
        if (!task.process()) break;
        processed++;
      }
    }
    return processed;
  }

  /** Input partitions with more than `limit` records buffered (to pause), and paused ones drained below half (to resume). */
  backPressure(
    limit: number,
    paused: ReadonlySet<string>,
  ): { pause: TopicPartition[]; resume: TopicPartition[] } {
    const pause: TopicPartition[] = [];
    const resume: TopicPartition[] = [];
    for (const task of this.tasks.values()) {
      for (const [topic, size] of task.bufferedPerInput()) {
        const tp = { topic, partition: task.id.partition };
        const isPaused = paused.has(tpKey(tp));
        if (!isPaused && size > limit) pause.push(tp);
        else if (isPaused && size <= limit / 2) resume.push(tp);
      }
    }
    return { pause, resume };
  }

  punctuateWallClock(nowMs: number): void {
    for (const task of this.tasks.values()) task.punctuateWallClock(nowMs);
  }

  commitRequested(): boolean {
    for (const task of this.tasks.values()) if (task.state.commitRequested) return true;
    return false;
  }

  /** Flushes every task's stores (caches forward here) and returns the input offsets to commit. */
  prepareCommit(): TopicPartitionOffset[] {
    const offsets: TopicPartitionOffset[] = [];
    for (const task of this.tasks.values()) {
      task.flush();
      task.state.commitRequested = false;
      for (const [topic, offset] of task.consumedOffsets())
        offsets.push({ topic, partition: task.id.partition, offset });
    }
    return offsets;
  }

  /** Writes each task's `.checkpoint`: its changelog partitions at their current end offsets. */
  private async checkpoint(tasks: readonly StreamTask[]): Promise<void> {
    const changelogs = tasks.flatMap((t) => t.changelogs.filter((c) => c.persistent));
    if (changelogs.length === 0) return;
    const ends = new Map(
      (await this.state.endOffsets(changelogs)).map((e) => [checkpointKey(e.topic, e.partition), e.offset]),
    );
    for (const task of tasks) {
      const offsets = new Map<string, number>();
      for (const c of task.changelogs) {
        const key = checkpointKey(c.topic, c.partition);
        if (c.persistent && ends.has(key)) offsets.set(key, ends.get(key)!);
      }
      new CheckpointFile(task.directory).write(offsets);
      task.changelogWrites = 0;
    }
  }

  /** Restores new tasks (RESTORING, counted in rivulet_restoring_tasks), then marks them RUNNING. */
  private async restore(tasks: readonly StreamTask[]): Promise<number> {
    this.env.metrics.restoringTasks.inc(tasks.length);
    try {
      return await this.replay(tasks);
    } finally {
      this.env.metrics.restoringTasks.dec(tasks.length);
      for (const task of tasks) task.status = 'RUNNING';
    }
  }

  /**
   * Replays each new task's changelog partitions up to their end (read_committed). The end offsets
   * come first: a restore that cannot learn where a changelog ends does not start (and wipes
   * nothing). A persistent
   * store continues from its checkpoint when that is still valid; without one it is wiped and rebuilt
   * from the start, as is every in-memory store. Under exactly-once the checkpoint is removed once
   * read, so a crash leaves none behind.
   */
  private async replay(tasks: readonly StreamTask[]): Promise<number> {
    const changelogs = tasks.flatMap((t) => t.changelogs);
    if (changelogs.length === 0) return 0;
    const ends = await this.state.endOffsets(changelogs);
    const starts = new Map<ChangelogRegistration, number>();
    for (const task of tasks) {
      if (!task.hasPersistentStores()) continue;
      const file = new CheckpointFile(task.directory);
      const checkpointed = file.read();
      if (file.olderLayout)
        this.env.logger.info(
          { task: String(task.id) },
          `task ${task.id}: its stores were written by an older rivulet; they are rebuilt from their changelogs`,
        );
      if (this.state.eos) file.delete();
      for (const c of task.changelogs) {
        const end = ends[changelogs.indexOf(c)]!.offset;
        const from = checkpointed.get(checkpointKey(c.topic, c.partition));
        if (c.persistent && from !== undefined && from <= end) starts.set(c, from);
        else if (c.persistent) c.store.wipe();
      }
    }
    const listener = this.state.restoreListener();
    const consumer = this.state.restoreConsumer();
    let restored = 0;
    try {
      consumer.assign(
        changelogs.map((c) => ({ topic: c.topic, partition: c.partition, offset: starts.get(c) ?? 0 })),
      );
      const pending = new Map<
        string,
        { registration: ChangelogRegistration; end: number; restored: number }
      >();
      changelogs.forEach((c, i) => {
        const start = starts.get(c) ?? 0;
        const end = ends[i]!.offset;
        if (end <= start) return;
        pending.set(tpKey(c), { registration: c, end, restored: 0 });
        listener?.onRestoreStart?.({ topic: c.topic, partition: c.partition }, c.store.name, start, end);
      });
      const total = [...pending.values()].reduce((n, p) => n + p.end - (starts.get(p.registration) ?? 0), 0);
      if (total > LOGGED_RESTORE_RECORDS)
        this.env.logger.info(
          { records: total, tasks: tasks.map((t) => String(t.id)) },
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
          if (now - progressAtMs > this.state.taskTimeoutMs)
            throw new StreamsError(
              `restoring made no progress for ${now - progressAtMs} ms (taskTimeoutMs): ${waiting.join(', ')}`,
            );
          this.env.logger.warn({ waiting }, `restoring makes no progress: ${waiting.join(', ')}`);
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
        for (const task of tasks) task.flush();
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
        this.env.logger.info({ records: restored }, `restored ${restored} changelog records`);
    } finally {
      await consumer.close();
    }
    this.env.metrics.restoredRecords.inc(restored);
    return restored;
  }
}
