import type { StateStore } from '../../../state-stores/state-store.js';
import { BaseStoreBuilder, type SerdeDefaults } from '../../../state-stores/store-builder.js';
import type { TaskId } from '../../task-id.js';
import type { InternalTopologyBuilder } from '../../topology/internals/internal-topology-builder.js';
import type { SubtopologyDefinition } from '../../topology/internals/subtopologies.js';
import type { StoreDescription } from '../store-changes.js';
import { changelogTopicName } from './internal-topics.js';
import { kindOfBuilder } from './queryable-stores.js';

/** What the running instance hosts, for describing its stores. */
export interface HostedStores {
  readonly subtopologies: readonly SubtopologyDefinition[];
  readonly taskCounts: ReadonlyMap<number, number>;
  /** Active tasks here, with whether they finished restoring. */
  readonly active: readonly { readonly id: TaskId; readonly restored: boolean }[];
  /** Standby replicas of a store here. */
  readonly standbys: (name: string) => readonly { readonly taskId: TaskId; readonly store: StateStore }[];
  /** Whether the global stores answer now. */
  readonly globalReady: boolean;
}

/** Every store of the topology: kind, serdes, and which partitions this instance hosts (none before start). */
export function describeStores(
  applicationId: string,
  builder: InternalTopologyBuilder,
  defaults: SerdeDefaults,
  hosted: HostedStores | null,
): StoreDescription[] {
  const descriptions: StoreDescription[] = [];
  for (const [name, storeBuilder] of builder.stores) {
    const sub = hosted?.subtopologies.find((s) => s.stores.includes(name));
    const onSub = (id: TaskId) => id.subtopology === sub?.id;
    descriptions.push({
      name,
      kind: kindOfBuilder(storeBuilder),
      global: false,
      ...serdesOf(storeBuilder, defaults),
      partitionCount: sub ? (hosted!.taskCounts.get(sub.id) ?? 0) : 0,
      activePartitions: partitionsOf(hosted?.active.filter((t) => onSub(t.id) && t.restored) ?? []),
      restoringPartitions: partitionsOf(hosted?.active.filter((t) => onSub(t.id) && !t.restored) ?? []),
      standbyPartitions: partitionsOf(hosted?.standbys(name).map((s) => ({ id: s.taskId })) ?? []),
      changelogTopic: storeBuilder.loggingEnabled ? changelogTopicName(applicationId, name) : null,
    });
  }
  for (const [name, global] of builder.globalStores) {
    descriptions.push({
      name,
      kind: kindOfBuilder(global.store),
      global: true,
      ...serdesOf(global.store, defaults),
      partitionCount: 1,
      activePartitions: hosted?.globalReady ? [0] : [],
      restoringPartitions: [],
      standbyPartitions: [],
      changelogTopic: null,
    });
  }
  return descriptions.sort((a, b) => a.name.localeCompare(b.name));
}

function serdesOf(
  storeBuilder: unknown,
  defaults: SerdeDefaults,
): Pick<StoreDescription, 'keySerde' | 'valueSerde'> {
  return storeBuilder instanceof BaseStoreBuilder
    ? storeBuilder.querySerdes(defaults)
    : { keySerde: undefined, valueSerde: undefined };
}

function partitionsOf(tasks: readonly { readonly id: TaskId }[]): number[] {
  return [...new Set(tasks.map((t) => t.id.partition))].sort((a, b) => a - b);
}
