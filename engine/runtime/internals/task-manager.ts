import { TaskId } from '../../task-id.js';
import { tpKey } from '../../topic-partition.js';
import type { SubtopologyDefinition } from '../../topology/internals/subtopologies.js';
import type { ConsumerRecord, TopicPartition, TopicPartitionOffset } from '../../transport/ports.js';
import { restoreChangelogs, type StateAccess } from './changelog-restorer.js';
import { StreamTask, type TaskEnvironment } from './stream-task.js';

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
    if (clean) await this.checkpoint(closing.filter((t) => t.stateManager.hasPersistentStores()));
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
      (t) =>
        t.stateManager.hasPersistentStores() &&
        t.stateManager.writesSinceCheckpoint >= CHECKPOINT_AFTER_WRITES,
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
    for (const task of this.tasks.values()) if (task.commitRequested()) return true;
    return false;
  }

  /** Flushes every task's stores (caches forward here) and returns the input offsets to commit. */
  prepareCommit(): TopicPartitionOffset[] {
    const offsets: TopicPartitionOffset[] = [];
    for (const task of this.tasks.values()) {
      for (const [topic, offset] of task.prepareCommit())
        offsets.push({ topic, partition: task.id.partition, offset });
    }
    return offsets;
  }

  /** Writes each task's `.checkpoint`: its persistent stores' changelog partitions at their current end offsets. */
  private async checkpoint(tasks: readonly StreamTask[]): Promise<void> {
    const changelogs = tasks.flatMap((t) => t.stateManager.changelogs.filter((c) => c.persistent));
    if (changelogs.length === 0) return;
    const ends = await this.state.endOffsets(changelogs);
    for (const task of tasks) task.stateManager.writeCheckpoint(ends);
  }

  /** Restores new tasks (RESTORING, counted in rivulet_restoring_tasks), then marks them RUNNING. */
  private async restore(tasks: readonly StreamTask[]): Promise<number> {
    this.env.metrics.restoringTasks.inc(tasks.length);
    try {
      return await restoreChangelogs(
        tasks.map((t) => t.stateManager),
        this.state,
        this.env,
      );
    } finally {
      this.env.metrics.restoringTasks.dec(tasks.length);
      for (const task of tasks) task.restored();
    }
  }
}
