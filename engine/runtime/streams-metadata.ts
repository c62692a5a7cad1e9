import type { TopicPartition } from '../transport/ports.js';

/** What one instance of the application hosts, from the `<applicationId>-instances` topic. */
export interface StreamsMetadata {
  readonly instanceId: string;
  /** The instance's `applicationServer` (host:port for interactive queries), if it set one. */
  readonly hostInfo: string | null;
  readonly activeTasks: readonly string[];
  readonly topicPartitions: readonly TopicPartition[];
  readonly stateStoreNames: readonly string[];
  readonly standbyTopicPartitions: readonly TopicPartition[];
  /** The standby replicas it hosts, as task ids. */
  readonly standbyTasks: readonly string[];
  /** How many assignments this instance has taken (it moves on every rebalance). */
  readonly generation: number;
}

/** Where a key of a store lives: the partition, and the instance hosting it (null while unassigned). */
export interface KeyQueryMetadata {
  readonly partition: number;
  readonly activeHost: StreamsMetadata | null;
  readonly standbyHosts: readonly StreamsMetadata[];
}

/** A stream thread of this instance and its active tasks (Kafka Streams' ThreadMetadata, in part). */
export interface ThreadMetadata {
  /** `<instanceId>-StreamThread-<n>`; the thread's clients are named after it when it runs in a worker. */
  readonly threadName: string;
  /** Its active tasks as task ids (e.g. `0_3`); empty while it rebalances. */
  readonly activeTasks: readonly string[];
}
