import { TaskId } from '../../processor/task-id.js';
import type { SubtopologyDefinition } from '../../topology/internals/subtopologies.js';
import type { ConsumerPort, TopicPartition, TopicPartitionOffset } from '../../transport/ports.js';
import { tpKey } from '../../transport/topic-partition-key.js';
import type { ConsumerRecord } from './consumer-record.js';
import { StreamTask, type TaskEnvironment } from './stream-task.js';

/**
 * The active tasks of one instance: creates them for assigned partitions (restoring their stores
 * from the changelogs first), routes fetched records to them, and closes them.
 */
export class TaskManager {
  readonly tasks = new Map<string, StreamTask>();
  private readonly subtopologyOfTopic = new Map<string, SubtopologyDefinition>();
  /** The task of each input partition, keyed `topic\0partition`. */
  private readonly taskOfPartition = new Map<string, StreamTask>();

  constructor(
    private readonly subtopologies: readonly SubtopologyDefinition[],
    private readonly env: TaskEnvironment,
    private readonly restoreConsumer: () => ConsumerPort,
  ) {
    for (const sub of subtopologies)
      for (const topic of sub.sourceTopics) this.subtopologyOfTopic.set(env.resolveTopic(topic), sub);
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

  /** Closes tasks (their in-memory state goes with them; a new owner restores it from the changelog). */
  closeTasks(ids: readonly TaskId[]): void {
    for (const id of ids) {
      const task = this.tasks.get(String(id));
      if (!task) continue;
      task.close();
      this.tasks.delete(String(id));
      for (const topic of task.inputTopics())
        this.taskOfPartition.delete(tpKey({ topic, partition: id.partition }));
    }
  }

  closeAll(): void {
    this.closeTasks([...this.tasks.values()].map((t) => t.id));
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

  /** Processes up to `maxPerTask` records per task, tasks in turn; returns how many were processed. */
  process(maxPerTask: number, nowMs: number): number {
    let processed = 0;
    for (const task of this.tasks.values()) {
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

  /** Flushes every task's stores and returns the input offsets to commit. */
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

  /** Replays each new task's changelog partitions from the start to the end (read_committed). */
  private async restore(tasks: readonly StreamTask[]): Promise<number> {
    const changelogs = tasks.flatMap((t) => t.changelogs);
    if (changelogs.length === 0) return 0;
    const consumer = this.restoreConsumer();
    let restored = 0;
    try {
      const ends = await consumer.endOffsets(changelogs);
      consumer.assign(changelogs.map((c) => ({ topic: c.topic, partition: c.partition, offset: 0 })));
      const pending = new Map(
        changelogs.map((c, i) => [tpKey(c), { registration: c, end: ends[i]!.offset }]),
      );
      for (const [k, p] of pending) if (p.end === 0) pending.delete(k);
      while (pending.size > 0) {
        const batch = await consumer.poll(10_000, 100);
        for (const record of batch) {
          const entry = pending.get(tpKey(record));
          if (!entry || record.offset >= entry.end) continue;
          entry.registration.restore(record.key!, record.value);
          restored++;
        }
        for (const [k, p] of pending) {
          if (consumer.position(p.registration) >= p.end) pending.delete(k);
        }
      }
    } finally {
      await consumer.close();
    }
    return restored;
  }
}
