import type { StateStore } from '../../../state-stores/state-store.js';
import type { Logger } from '../../logger.js';
import type { TaskId } from '../../task-id.js';
import type { TopicPartition, TopicPartitionOffset } from '../../topic-partition.js';
import type { SubtopologyDefinition } from '../../topology/internals/subtopologies.js';
import type { StoreEnvironment } from './store-environment.js';
import { type ChangelogRegistration, TaskStateManager } from './task-state-manager.js';

/**
 * A standby replica of a task: the task's persistent stores, kept current from their changelogs and
 * never processing. It lives in the task's own directory, so when the task becomes active here
 * the active task opens the same stores at the standby's checkpoint and replays only the tail.
 */
export class StandbyTask {
  private readonly stateManager: TaskStateManager;

  constructor(
    readonly id: TaskId,
    subtopology: SubtopologyDefinition,
    env: StoreEnvironment,
  ) {
    this.stateManager = new TaskStateManager(id, subtopology.stores, env, null);
  }

  /** Its stores by name (interactive queries with stale stores enabled read them). */
  get stores(): ReadonlyMap<string, StateStore> {
    return this.stateManager.stores;
  }

  get changelogs(): readonly ChangelogRegistration[] {
    return this.stateManager.changelogs;
  }

  /** Where each changelog partition continues from: the checkpoint if any, else the start (after a wipe). */
  startOffsets(logger: Logger): Map<ChangelogRegistration, number> {
    return this.stateManager.restoreStarts(logger, { removeCheckpoint: false });
  }

  changelogPartitions(): TopicPartition[] {
    return this.stateManager.changelogPartitions();
  }

  /** Writes the stores and a checkpoint at `positions` (the standby consumer's, per changelog partition), then closes. */
  close(positions: readonly TopicPartitionOffset[]): void {
    this.stateManager.flush();
    this.stateManager.writeCheckpoint(positions);
    this.stateManager.close();
  }
}
