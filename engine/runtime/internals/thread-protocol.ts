import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { TopicPartition } from '../../topic-partition.js';
import type { StreamsAppSource } from './streams-app-module.js';
import type { QueryEnd } from './thread-queries.js';

// The messages between an instance and its stream threads in worker_threads.

/** What a stream thread's worker starts from. */
export interface ThreadWorkerData {
  readonly app: StreamsAppSource;
  /** 1-based, as in the thread's name (`<instanceId>-StreamThread-<index>`). */
  readonly index: number;
  readonly threadCount: number;
  /** The instance's id and whether it is a static member (then each thread is, under its thread name). */
  readonly instanceId: string;
  readonly staticMembership: boolean;
  /** Found by the instance when it set up the topics: tasks per sub-topology, partitions per global topic. */
  readonly taskCounts: ReadonlyMap<number, number>;
  readonly globalPartitions: ReadonlyMap<string, number>;
  /** Where the instance's interactive queries of this thread's stores arrive. */
  readonly queries: QueryEnd;
}

/** An active task of a thread, as the instance publishes and describes it. */
export interface HostedTask {
  readonly id: string;
  /** Restored and processing (not restoring). */
  readonly restored: boolean;
  readonly inputTopics: readonly string[];
}

export type Metrics = MetricObjectWithValues<MetricValue<string>>[];

export type RestoreEvent =
  | { readonly kind: 'restore-start'; partition: TopicPartition; store: string; start: number; end: number }
  | {
      readonly kind: 'restore-batch';
      partition: TopicPartition;
      store: string;
      end: number;
      restored: number;
    }
  | { readonly kind: 'restore-end'; partition: TopicPartition; store: string; restored: number };

/** An error as it crosses threads: what the uncaught-exception handler and the logs need. */
export interface ThreadError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** Set for a ClientFatalError (a new thread recovers from a failed consumer). */
  readonly client: 'consumer' | 'producer' | undefined;
}

export type ThreadMessage =
  | { readonly kind: 'rebalancing' }
  | { readonly kind: 'assigned'; readonly tasks: readonly HostedTask[] }
  | RestoreEvent
  | { readonly kind: 'metrics'; readonly request: number; readonly metrics: Metrics }
  /** `starting`: it failed before its thread ran (the module, the config, the clients): no new thread would fare better. */
  | { readonly kind: 'died'; readonly error: ThreadError; readonly starting: boolean }
  | { readonly kind: 'stopped' };

export type InstanceMessage =
  | { readonly kind: 'stop' }
  | { readonly kind: 'metrics'; readonly request: number };
