import { join } from 'node:path';
import { CheckpointFile } from '../../../state-stores/checkpoint-file.js';
import type {
  ChangeLogger,
  RestoreCallback,
  StateStore,
  StateStoreContext,
} from '../../../state-stores/state-store.js';
import type { Logger } from '../../logger.js';
import type { TaskId } from '../../task-id.js';
import { type TopicPartition, tpKey } from '../../topic-partition.js';
import type { TopicPartitionOffset } from '../../transport/ports.js';
import { changelogTopicName } from './internal-topics.js';
import { type StoreEnvironment, storeSerdeDefaults } from './store-environment.js';

/** A store's changelog partition, and how to replay a record of it into the store. */
export interface ChangelogRegistration extends TopicPartition {
  readonly store: StateStore;
  readonly persistent: boolean;
  readonly restore: RestoreCallback;
}

/** How the stores of an active task reach the task: what a standby's never do. */
export interface ActiveStores {
  /** The timestamp of the record being processed: changelog records carry it. */
  recordTimestampMs(): number;
  /** Sends one changelog record (through the task's producer). */
  sendChangelog(
    topic: string,
    partition: number,
    key: Buffer,
    value: Buffer | null,
    timestampMs: number,
  ): void;
}

/**
 * The one owner of a task's stores (Kafka Streams' ProcessorStateManager), for active and standby
 * tasks alike: builds and registers them, knows their changelog partitions, where a restore starts
 * (the checkpoint, when its stores can be trusted; else a wipe and the start), writes and removes
 * the `.checkpoint`, and flushes and closes the stores. An active task's stores write their
 * changelogs and use the record cache; a standby's only replay.
 */
export class TaskStateManager {
  readonly stores = new Map<string, StateStore>();
  readonly changelogs: ChangelogRegistration[] = [];
  /** `<stateDir>/<applicationId>/<taskId>`: where persistent stores and `.checkpoint` live. */
  readonly directory: string;
  private readonly checkpoint: CheckpointFile;
  /** Changelog records sent since the last checkpoint (at-least-once checkpoints when it is large). */
  private changelogWrites = 0;

  constructor(
    readonly taskId: TaskId,
    storeNames: readonly string[],
    env: StoreEnvironment,
    /** Null for a standby: its stores never write a changelog, cache, or time their operations. */
    active: ActiveStores | null,
  ) {
    this.directory = join(env.applicationStateDir, String(taskId));
    this.checkpoint = new CheckpointFile(this.directory);
    for (const name of storeNames) {
      const store = env.builder.stores.get(name)!.build(storeSerdeDefaults(env));
      const topic = changelogTopicName(env.applicationId, name);
      const context: StateStoreContext = {
        applicationId: env.applicationId,
        taskId,
        recordTimestampMs: active ? () => active.recordTimestampMs() : () => 0,
        recordCache: active ? env.recordCache : null,
        storeDirectory: (storeName) => join(this.directory, storeName),
        observeLatency: active
          ? (storeName, operation, seconds) =>
              env.metrics.storeOperationSeconds.observe({ store: storeName, operation }, seconds)
          : () => {},
        register: (registered, restore, loggingEnabled): ChangeLogger | null => {
          if (!loggingEnabled) return null;
          this.changelogs.push({
            store: registered,
            persistent: registered.persistent,
            topic,
            partition: taskId.partition,
            restore,
          });
          if (!active) return null;
          return (key, value, timestampMs) => {
            this.changelogWrites++;
            active.sendChangelog(topic, taskId.partition, key, value, timestampMs);
          };
        },
      };
      store.init(context);
      this.stores.set(name, store);
    }
  }

  /** Whether any store keeps its state on disk (then the task has a `.checkpoint`). */
  hasPersistentStores(): boolean {
    return this.changelogs.some((c) => c.persistent);
  }

  changelogPartitions(): TopicPartition[] {
    return this.changelogs.map((c) => ({ topic: c.topic, partition: c.partition }));
  }

  get writesSinceCheckpoint(): number {
    return this.changelogWrites;
  }

  /**
   * Where each changelog's replay starts: a persistent store at its checkpoint when there is one
   * that is not beyond the changelog's end (`ends`, when known); every other store is wiped and
   * replayed from the start. `removeCheckpoint` (exactly-once) deletes the file once read, so a
   * crash leaves none behind.
   */
  restoreStarts(
    logger: Logger,
    options: { ends?: ReadonlyMap<string, number>; removeCheckpoint: boolean },
  ): Map<ChangelogRegistration, number> {
    const checkpointed = this.hasPersistentStores() ? this.checkpoint.read() : new Map<string, number>();
    if (this.checkpoint.olderLayout)
      logger.info(
        { task: String(this.taskId) },
        `task ${this.taskId}: its stores were written by an older rivulet; they are rebuilt from their changelogs`,
      );
    if (options.removeCheckpoint && this.hasPersistentStores()) this.checkpoint.delete();
    const starts = new Map<ChangelogRegistration, number>();
    for (const c of this.changelogs) {
      const from = c.persistent ? checkpointed.get(tpKey(c)) : undefined;
      const end = options.ends?.get(tpKey(c));
      if (from !== undefined && (end === undefined || from <= end)) starts.set(c, from);
      else {
        if (c.persistent) c.store.wipe();
        starts.set(c, 0);
      }
    }
    return starts;
  }

  /** Writes the `.checkpoint`: the given offsets of the persistent stores' changelog partitions. */
  writeCheckpoint(offsets: readonly TopicPartitionOffset[]): void {
    const persistent = new Set(this.changelogs.filter((c) => c.persistent).map((c) => tpKey(c)));
    this.checkpoint.write(offsets.filter((o) => persistent.has(tpKey(o))));
    this.changelogWrites = 0;
  }

  flush(): void {
    for (const store of this.stores.values()) store.flush();
  }

  close(): void {
    for (const store of this.stores.values()) store.close();
  }
}
