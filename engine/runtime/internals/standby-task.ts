import { join } from 'node:path';
import { CheckpointFile, checkpointKey } from '../../../state-stores/checkpoint-file.js';
import type { StateStore, StateStoreContext } from '../../../state-stores/state-store.js';
import type { TaskId } from '../../task-id.js';
import type { SubtopologyDefinition } from '../../topology/internals/subtopologies.js';
import type { TopicPartition } from '../../transport/ports.js';
import { changelogTopicName } from './internal-topics.js';
import { type ChangelogRegistration, storeSerdeDefaults, type TaskEnvironment } from './stream-task.js';

/**
 * A standby replica of a task: the task's persistent stores, kept current from their changelogs and
 * never processing. It lives in the task's own directory, so when the task becomes active here
 * the active task opens the same stores at the standby's checkpoint and replays only the tail.
 */
export class StandbyTask {
  readonly changelogs: ChangelogRegistration[] = [];
  private readonly stores: StateStore[] = [];
  readonly directory: string;

  constructor(
    readonly id: TaskId,
    subtopology: SubtopologyDefinition,
    env: TaskEnvironment,
  ) {
    this.directory = join(env.applicationStateDir, String(id));
    for (const name of subtopology.stores) {
      const store = env.builder.stores.get(name)!.build(storeSerdeDefaults(env));
      const topic = changelogTopicName(env.applicationId, name);
      const context: StateStoreContext = {
        applicationId: env.applicationId,
        taskId: id,
        recordTimestampMs: () => 0,
        recordCache: null,
        storeDirectory: (storeName) => join(this.directory, storeName),
        observeLatency: () => {},
        register: (registered, restore, loggingEnabled) => {
          if (loggingEnabled)
            this.changelogs.push({
              store: registered,
              persistent: registered.persistent,
              topic,
              partition: id.partition,
              restore,
            });
          return null; // a standby never writes to the changelog
        },
      };
      store.init(context);
      this.stores.push(store);
    }
  }

  /** Where each changelog partition continues from: the checkpoint if any, else the start (after a wipe). */
  startOffsets(): Map<string, number> {
    const checkpointed = new CheckpointFile(this.directory).read();
    const starts = new Map<string, number>();
    for (const c of this.changelogs) {
      const from = checkpointed.get(checkpointKey(c.topic, c.partition));
      if (from === undefined) c.store.wipe();
      starts.set(checkpointKey(c.topic, c.partition), from ?? 0);
    }
    return starts;
  }

  changelogPartitions(): TopicPartition[] {
    return this.changelogs.map((c) => ({ topic: c.topic, partition: c.partition }));
  }

  /** Writes the stores and a checkpoint at `positions` (the standby consumer's, per changelog partition), then closes. */
  close(positions: ReadonlyMap<string, number>): void {
    for (const store of this.stores) store.flush();
    new CheckpointFile(this.directory).write(positions);
    for (const store of this.stores) store.close();
  }
}
