import { setTimeout as sleep } from 'node:timers/promises';
import type { RestoreCallback, StateStore } from '../../../state-stores/state-store.js';
import { TaskId } from '../../task-id.js';
import { tpKey } from '../../topic-partition.js';
import type { SubtopologyDefinition } from '../../topology/internals/subtopologies.js';
import type { ConsumerPort, Transport } from '../../transport/ports.js';
import type { StreamsMetadata } from '../streams-metadata.js';
import type { MembershipDirectory } from './membership-directory.js';
import { StandbyTask } from './standby-task.js';
import type { TaskEnvironment } from './stream-task.js';

const PASS_INTERVAL_MS = 200;

/**
 * Standby replicas (`numStandbyReplicas`). Placement is deterministic from the instances topic:
 * for each task with persistent, logged stores, the live instances in instance-id order after the
 * active owner (wrapping around) host its N standbys. This instance keeps its standbys current
 * with one group-less read_committed consumer over their changelog partitions, in a background
 * loop; when a standby's task is assigned here as active, it is released first (checkpointed at its
 * position), so the active task replays only the tail.
 */
export class StandbyManager {
  private readonly tasks = new Map<string, StandbyTask>();
  private readonly consumer: ConsumerPort;
  private readonly candidates: TaskId[];
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  /** Serializes the loop with release(): both change the task set and the consumer's assignment. */
  private lock: Promise<void> = Promise.resolve();

  constructor(
    private readonly replicas: number,
    private readonly instanceId: string,
    private readonly subtopologies: readonly SubtopologyDefinition[],
    taskCounts: ReadonlyMap<number, number>,
    private readonly env: TaskEnvironment,
    transport: Transport,
    private readonly directory: MembershipDirectory,
    private readonly activeHere: () => ReadonlySet<string>,
    private readonly onChange: (standbyTaskIds: readonly string[]) => Promise<void>,
  ) {
    this.consumer = transport.consumer({
      clientId: `${instanceId}-standby`,
      isolationLevel: 'read_committed',
    });
    this.candidates = subtopologies
      .filter((sub) =>
        sub.stores.some((name) => {
          const store = env.builder.stores.get(name)!;
          return store.persistent && store.loggingEnabled;
        }),
      )
      .flatMap((sub) => Array.from({ length: taskCounts.get(sub.id) ?? 0 }, (_, p) => new TaskId(sub.id, p)));
  }

  start(): void {
    if (this.replicas <= 0 || this.candidates.length === 0) return;
    this.running = true;
    this.loop = this.run();
  }

  /** The standby replicas of a store this instance hosts now, by task. */
  storesNamed(name: string): { readonly taskId: TaskId; readonly store: StateStore }[] {
    return [...this.tasks.values()].flatMap((t) => {
      const store = t.stores.get(name);
      return store ? [{ taskId: t.id, store }] : [];
    });
  }

  /** How many changelog records each standby partition of a store has yet to apply (its lag). */
  async lags(name: string): Promise<Map<number, number>> {
    const changelogs = [...this.tasks.values()].flatMap((t) =>
      t.changelogs.filter((c) => c.store.name === name),
    );
    if (changelogs.length === 0) return new Map();
    const ends = await this.consumer.endOffsets(
      changelogs.map(({ topic, partition }) => ({ topic, partition })),
    );
    return new Map(ends.map((end) => [end.partition, Math.max(0, end.offset - this.position(end))] as const));
  }

  /** The standby task ids this instance hosts now. */
  taskIds(): string[] {
    return [...this.tasks.keys()].sort();
  }

  /** Closes (and checkpoints) the standbys of tasks about to become active here. */
  release(ids: readonly TaskId[]): Promise<void> {
    return this.exclusive(async () => {
      const releasing = ids.map(String).filter((id) => this.tasks.has(id));
      if (releasing.length === 0) return;
      this.closeTasks(releasing);
      this.reassign(new Map());
      await this.onChange(this.taskIds());
    });
  }

  async close(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.exclusive(async () => this.closeTasks([...this.tasks.keys()]));
    await this.consumer.close();
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.exclusive(async () => {
        await this.reconcile();
        await this.catchUp();
      });
      await sleep(PASS_INTERVAL_MS);
    }
  }

  /** Which tasks this instance should host as standbys, given the instances topic. */
  private desired(): Set<string> {
    const instances = this.directory.all();
    const active = this.activeHere();
    const wanted = new Set<string>();
    for (const id of this.candidates) {
      const task = String(id);
      const owner = instances.findIndex((m: StreamsMetadata) => m.activeTasks.includes(task));
      if (owner < 0 || active.has(task)) continue;
      for (let i = 1; i <= Math.min(this.replicas, instances.length - 1); i++) {
        if (instances[(owner + i) % instances.length]!.instanceId === this.instanceId) wanted.add(task);
      }
    }
    return wanted;
  }

  private async reconcile(): Promise<void> {
    const wanted = this.desired();
    const dropping = [...this.tasks.keys()].filter((id) => !wanted.has(id));
    const adding = [...wanted].filter((id) => !this.tasks.has(id));
    if (dropping.length === 0 && adding.length === 0) return;
    this.closeTasks(dropping);
    const starts = new Map<string, number>();
    for (const id of adding) {
      const taskId = TaskId.parse(id);
      const task = new StandbyTask(taskId, this.subtopologies[taskId.subtopology]!, this.env);
      this.tasks.set(id, task);
      for (const [changelog, offset] of task.startOffsets(this.env.logger))
        starts.set(tpKey(changelog), offset);
    }
    this.reassign(starts);
    await this.onChange(this.taskIds());
  }

  /** Applies whatever the changelogs have beyond the standbys' positions. */
  private async catchUp(): Promise<void> {
    if (this.tasks.size === 0) return;
    const restore = new Map<string, RestoreCallback>();
    for (const task of this.tasks.values()) for (const c of task.changelogs) restore.set(tpKey(c), c.restore);
    for (;;) {
      const records = await this.consumer.poll(5_000, 0);
      if (records.length === 0) return;
      for (const r of records) restore.get(tpKey(r))?.(r.key!, r.value, r.timestampMs);
    }
  }

  /** Points the consumer at every standby changelog partition: new ones at `starts`, the others where they were. */
  private reassign(starts: ReadonlyMap<string, number>): void {
    const partitions = [...this.tasks.values()].flatMap((t) => t.changelogPartitions());
    const positions = partitions.map((tp) => {
      return { ...tp, offset: starts.get(tpKey(tp)) ?? this.position(tp) };
    });
    this.consumer.assign(positions);
  }

  private closeTasks(ids: readonly string[]): void {
    for (const id of ids) {
      const task = this.tasks.get(id);
      if (!task) continue;
      task.close(task.changelogPartitions().map((tp) => ({ ...tp, offset: this.position(tp) })));
      this.tasks.delete(id);
    }
  }

  private position(tp: { topic: string; partition: number }): number {
    try {
      return this.consumer.position(tp);
    } catch {
      return 0;
    }
  }

  private exclusive(fn: () => Promise<void>): Promise<void> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => {});
    return run;
  }
}
