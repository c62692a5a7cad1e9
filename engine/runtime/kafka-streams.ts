import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import type { Observable } from 'rxjs';
import type { ReadOnlyKeyValueStore } from '../../state-stores/key-value-store.js';
import type { StateRestoreListener } from '../../state-stores/restore-listener.js';
import { lockStateDirectory, stateDirectoryHolders } from '../../state-stores/state-directory-lock.js';
import type { StateStore } from '../../state-stores/state-store.js';
import {
  ClientFatalError,
  ConfigError,
  InvalidStoreTypeError,
  StoreNotQueryableError,
  StreamsError,
  StreamsNotStartedError,
  UnknownStateStoreError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import type { Serde } from '../serdes/serde.js';
import { TaskId } from '../task-id.js';
import { compileSubtopologies, type SubtopologyDefinition } from '../topology/internals/subtopologies.js';
import type { Topology } from '../topology/topology.js';
import type { TopologyDescription } from '../topology/topology-description.js';
import { loadNativeAddon } from '../transport/kafka-batch/native-addon.js';
import { partitionForKey } from '../transport/murmur2.js';
import type { Transport } from '../transport/ports.js';
import { changelogTail } from './internals/changelog-tail.js';
import type { GlobalStateUpdater } from './internals/global-state-updater.js';
import { globalUpdaterFor } from './internals/global-updater-for.js';
import {
  ensureDeadLetterTopic,
  ensureInstancesTopic,
  setUpTopics,
} from './internals/internal-topic-setup.js';
import { topicResolver } from './internals/internal-topics.js';
import { MembershipDirectory } from './internals/membership-directory.js';
import { StreamsMetrics } from './internals/metrics.js';
import { accepts, kindOfBuilder, queryView } from './internals/queryable-stores.js';
import { RestoreProgress } from './internals/restore-progress.js';
import { prepareSerdes } from './internals/serde-preparation.js';
import { StandbyManager } from './internals/standby-manager.js';
import { describeStores } from './internals/store-descriptions.js';
import type { StreamTask } from './internals/stream-task.js';
import { StreamThread } from './internals/stream-thread.js';
import { StreamThreadWorkers } from './internals/stream-thread-workers.js';
import { loadStreamsApp, moduleUrl, type StreamsAppSource } from './internals/streams-app-module.js';
import type { HostedTask } from './internals/thread-protocol.js';
import { ThreadsRegistry } from './internals/threads-registry.js';
import { transportFor } from './internals/transport-for.js';
import { checkUserFacingSerdes } from './internals/user-serdes.js';
import type { LagInfo, StoreChangeEvent, StoreChangesOptions, StoreDescription } from './store-changes.js';
import { QueryableStoreTypes, StoreQueryParameters } from './store-query.js';
import {
  type ResolvedStreamsConfig,
  resolveConfig,
  type StreamsConfig,
  type UncaughtExceptionResponse,
} from './streams-config.js';
import type { KeyQueryMetadata, StreamsMetadata, ThreadMetadata } from './streams-metadata.js';

export type KafkaStreamsState =
  | 'CREATED'
  | 'REBALANCING'
  | 'RUNNING'
  | 'PENDING_SHUTDOWN'
  | 'NOT_RUNNING'
  | 'PENDING_ERROR'
  | 'ERROR';

export type StateListener = (newState: KafkaStreamsState, oldState: KafkaStreamsState) => void;

const TRANSITIONS: Record<KafkaStreamsState, readonly KafkaStreamsState[]> = {
  CREATED: ['REBALANCING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
  REBALANCING: ['RUNNING', 'REBALANCING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
  RUNNING: ['REBALANCING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
  PENDING_SHUTDOWN: ['NOT_RUNNING'],
  NOT_RUNNING: [],
  PENDING_ERROR: ['ERROR'],
  ERROR: [],
};

/** Fatal consumer errors within taskTimeoutMs that a new thread may recover from; one more fails the instance. */
const MAX_CONSUMER_REPLACEMENTS = 5;

/** What exists only once the instance has started. */
interface Started {
  /** The stream thread in this thread (numStreamThreads 1), else null. */
  thread: StreamThread | null;
  /** The stream threads in workers (numStreamThreads > 1), else null. */
  readonly workers: StreamThreadWorkers | null;
  /** Keeps the global stores (GlobalKTables) current; null when the topology has none. */
  readonly global: GlobalStateUpdater | null;
  standbys: StandbyManager | null;
  readonly directory: MembershipDirectory;
  readonly subtopologies: readonly SubtopologyDefinition[];
  readonly taskCounts: ReadonlyMap<number, number>;
  readonly transport: Transport;
  readonly sourceTopics: readonly string[];
}

/**
 * A running instance of a topology: one consumer, one producer and the tasks of the partitions
 * it is assigned. Start several (in this process or others) with the same applicationId to share
 * the work; they rebalance as they come and go.
 */
export class KafkaStreams {
  private readonly config: ResolvedStreamsConfig;
  private readonly metricsImpl = new StreamsMetrics();
  private currentState: KafkaStreamsState = 'CREATED';
  private readonly listeners: StateListener[] = [];
  private started: Started | null = null;
  private fatalError: Error | null = null;
  private generation = 0;
  private releaseStateDirectory: (() => void) | null = null;
  private restoreListener: StateRestoreListener | null = null;
  /** Where the stores under restore are (their lags), passing events on to restoreListener. */
  private readonly restoreProgress = new RestoreProgress(() => this.restoreListener);
  private readonly logger: Logger;
  /** Numbers the clients of `changes()` subscriptions. */
  private changeSubscriptions = 0;
  /** When the consumer last failed fatally (each time a new thread took over). */
  private consumerFailures: number[] = [];
  /** Where stream threads in workers build the application from (set by fromModule). */
  private appSource: StreamsAppSource | null = null;
  /** With stream threads in workers: the registry that sums theirs with this instance's. */
  private threadsRegistry: ThreadsRegistry | null = null;

  constructor(
    private readonly topology: Topology,
    config: StreamsConfig,
  ) {
    this.config = resolveConfig(config);
    this.logger = this.config.logger.child({
      applicationId: this.config.applicationId,
      instanceId: this.config.instanceId,
    });
  }

  state(): KafkaStreamsState {
    return this.currentState;
  }

  /** The error that moved the instance to ERROR, if any. */
  error(): Error | null {
    return this.fatalError;
  }

  setStateListener(listener: StateListener): void {
    this.listeners.push(listener);
  }

  /** Told of every store restore (start, batches, end) of this instance's tasks. */
  setGlobalStateRestoreListener(listener: StateRestoreListener): void {
    this.restoreListener = listener;
  }

  /**
   * An instance built from a module whose default export is a StreamsAppFactory: called here with
   * `parameters`, and again in each stream thread's worker when numStreamThreads > 1 (worker
   * threads share no objects, so each builds its own topology, serdes and handlers).
   * `parameters` must be plain data (they are copied to the workers).
   */
  static async fromModule<P = undefined>(module: string | URL, parameters?: P): Promise<KafkaStreams> {
    const source = { module: moduleUrl(module), parameters };
    try {
      structuredClone(parameters);
    } catch (err) {
      throw new ConfigError(
        `KafkaStreams.fromModule(${source.module}): the parameters must be plain data to reach the stream threads' workers (${(err as Error).message})`,
      );
    }
    const app = await loadStreamsApp(source);
    const streams = new KafkaStreams(app.topology, app.config);
    streams.appSource = source;
    return streams;
  }

  /**
   * The instance's metrics (prom-client). With stream threads in workers, reading it (metrics(),
   * getMetricsAsJSON()) sums every thread's metrics with the instance's own.
   */
  metrics(): Registry {
    if (this.config.numStreamThreads === 1) return this.metricsImpl.registry;
    this.threadsRegistry ??= new ThreadsRegistry(
      this.metricsImpl.registry,
      async () => (await this.started?.workers?.threadMetrics()) ?? [],
    );
    return this.threadsRegistry;
  }

  /** The topology this instance runs, described (as `Topology.describe()`). */
  topologyDescription(): TopologyDescription {
    return this.topology.describe();
  }

  /**
   * Creates the internal topics, joins the group and starts processing in the background.
   * Resolves once the instance has joined; `waitForState('RUNNING')` waits for its first assignment.
   */
  async start(): Promise<void> {
    if (this.currentState !== 'CREATED') {
      throw new StreamsError(
        `start(): the instance is ${this.currentState}; create a new one to start again`,
      );
    }
    this.transition('REBALANCING');
    try {
      this.checkThreadsConfig();
      const { applicationId, replicationFactor, errorHandling, instanceId } = this.config;
      const builder = this.topology.internal;
      checkUserFacingSerdes(builder, this.config);
      await prepareSerdes(builder, this.config, applicationId);
      const subtopologies = compileSubtopologies(builder);
      const transport = this.transport();
      const admin = transport.admin();
      let taskCounts: Map<number, number>;
      let globalPartitions: Map<string, number>;
      try {
        ({ taskCounts, globalPartitions } = await setUpTopics(
          builder,
          subtopologies,
          applicationId,
          admin,
          replicationFactor,
        ));
        await ensureDeadLetterTopic(admin, errorHandling, replicationFactor);
        await ensureInstancesTopic(admin, applicationId, replicationFactor);
      } finally {
        await admin.close();
      }
      const stateDirectory = join(this.config.stateDir, applicationId);
      this.releaseStateDirectory = lockStateDirectory(stateDirectory);
      if (this.config.numStandbyReplicas > 0 && stateDirectoryHolders(stateDirectory) > 1) {
        throw new StreamsError(
          `numStandbyReplicas needs a stateDir of its own per instance, but ${stateDirectory} is used by another instance in this process`,
        );
      }
      const directory = new MembershipDirectory(transport, applicationId, instanceId);
      await directory.start();
      const sourceTopics = subtopologies.flatMap((s) =>
        s.sourceTopics.map(topicResolver(applicationId, builder)),
      );
      // Instances of one process may share a state directory; each needs its own copy of the global stores.
      const shared = stateDirectoryHolders(stateDirectory) > 1;
      const global = globalUpdaterFor(this.config, builder, {
        metrics: this.metricsImpl,
        transport,
        partitionCounts: globalPartitions,
        directoryName: shared ? `global-${instanceId}` : 'global',
        restoreListener: () => this.restoreListener,
        logger: this.logger,
      });
      this.started = {
        thread: null,
        workers: this.config.numStreamThreads > 1 ? this.threadWorkers(taskCounts, globalPartitions) : null,
        global,
        standbys: null,
        directory,
        subtopologies,
        taskCounts,
        transport,
        sourceTopics,
      };
      // Global stores are complete before the first stream record can be joined against them.
      if (global) {
        await global.start();
        global.done.catch((err: Error) => this.fail(err));
      }
      if (this.started.workers) this.started.workers.start();
      else await this.startThread();
    } catch (err) {
      this.fail(err as Error);
      throw err;
    }
  }

  /** Starts a stream thread; when it dies, the uncaught-exception policy decides what follows. */
  private async startThread(): Promise<void> {
    const started = this.started!;
    const thread = new StreamThread(
      this.config,
      this.topology.internal,
      started.subtopologies,
      started.transport,
      this.metricsImpl,
      {
        onRebalancing: () => this.transitionIfAlive('REBALANCING'),
        restoreListener: () => this.restoreProgress,
        beforeCreatingTasks: async (ids) => {
          await started.standbys?.release(ids);
        },
        onAssigned: async () => {
          await this.publishSelf();
          this.transitionIfAlive('RUNNING');
        },
      },
      started.global?.stores ?? new Map(),
    );
    started.thread = thread;
    if (!started.standbys && this.config.numStandbyReplicas > 0) {
      started.standbys = new StandbyManager(
        this.config.numStandbyReplicas,
        this.config.instanceId,
        started.subtopologies,
        started.taskCounts,
        thread.taskEnvironment,
        started.transport,
        started.directory,
        () => new Set(this.activeTaskIds()),
        () => this.publishSelf(),
      );
      started.standbys.start();
    }
    await thread.start(started.sourceTopics);
    thread.done.catch((err: Error) => this.onThreadDied(err, () => this.startThread()));
  }

  /** numStreamThreads > 1 runs each stream thread in a worker, which needs what a worker can load. */
  private checkThreadsConfig(): void {
    const { numStreamThreads: threads, bootstrapServers, numStandbyReplicas, kafkaDataPlane } = this.config;
    if (threads === 1) return;
    const why = !this.appSource
      ? 'they build the topology from a module: create the instance with KafkaStreams.fromModule(module, parameters)'
      : bootstrapServers.startsWith('memory://')
        ? `the embedded log ${bootstrapServers} lives in one thread; use numStreamThreads 1 with it`
        : numStandbyReplicas > 0
          ? 'standby replicas are not yet kept by instances with stream threads in workers; use numStandbyReplicas 0'
          : kafkaDataPlane === 'per-message' || !loadNativeAddon()
            ? "the per-message Kafka client cannot be loaded in worker threads; they need the batch data plane (kafkaDataPlane 'batch', built by npm install)"
            : null;
    if (why)
      throw new ConfigError(
        `numStreamThreads ${threads} runs each stream thread in a worker_thread, and ${why} (docs/operations.md)`,
      );
  }

  /** The stream threads in workers; their state, tasks and deaths drive this instance's. */
  private threadWorkers(
    taskCounts: ReadonlyMap<number, number>,
    globalPartitions: ReadonlyMap<string, number>,
  ): StreamThreadWorkers {
    const workers: StreamThreadWorkers = new StreamThreadWorkers(
      {
        app: this.appSource!,
        threadCount: this.config.numStreamThreads,
        instanceId: this.config.instanceId,
        staticMembership: this.config.staticMembership,
        taskCounts,
        globalPartitions,
      },
      {
        onRebalancing: () => this.transitionIfAlive('REBALANCING'),
        onAssigned: () => {
          if (!workers.allAssigned()) return;
          this.publishSelf().then(
            () => this.transitionIfAlive('RUNNING'),
            (err: Error) => this.fail(err),
          );
        },
        restoreListener: this.restoreProgress,
        onDied: (index, err, replaceable) =>
          replaceable ? this.onThreadDied(err, () => workers.replace(index)) : this.fail(err),
      },
    );
    return workers;
  }

  /**
   * A fatal consumer error is the client's, not the application's: a new thread (new consumer)
   * takes over. Any other error goes to the uncaught-exception handler.
   */
  private onThreadDied(err: Error, replace: () => Promise<void>): void {
    if (!(this.currentState === 'RUNNING' || this.currentState === 'REBALANCING')) {
      this.fail(err);
      return;
    }
    const now = Date.now();
    const clientFailed = err instanceof ClientFatalError && err.client === 'consumer';
    if (clientFailed) {
      // A consumer that keeps failing (e.g. another process uses the same instanceId) is not transient.
      this.consumerFailures = [
        ...this.consumerFailures.filter((t) => now - t < this.config.taskTimeoutMs),
        now,
      ];
      if (this.consumerFailures.length > MAX_CONSUMER_REPLACEMENTS) {
        this.fail(
          new StreamsError(
            `the consumer failed ${this.consumerFailures.length} times within taskTimeoutMs (${this.config.taskTimeoutMs} ms); is another process using instanceId '${this.config.instanceId}'? Last: ${err.message}`,
            { cause: err },
          ),
        );
        return;
      }
    }
    let response: UncaughtExceptionResponse;
    try {
      response = clientFailed ? 'replace_thread' : this.config.uncaughtExceptionHandler(err);
    } catch (handlerErr) {
      this.logger.error(
        { err: handlerErr },
        'the uncaughtExceptionHandler threw; shutting the instance down',
      );
      response = 'shutdown_client';
    }
    if (response !== 'replace_thread') {
      this.fail(err);
      return;
    }
    this.logger.error(
      { err },
      `the stream thread died${clientFailed ? ' (its consumer failed)' : ''}; replacing it: ${err.message}`,
    );
    this.metricsImpl.threadReplacements.inc();
    this.transitionIfAlive('REBALANCING');
    replace().catch((startErr: Error) => this.fail(startErr));
  }

  /** Resolves when the instance reaches `state`; rejects if it ends in ERROR or the time runs out. */
  waitForState(state: KafkaStreamsState, timeoutMs = 30_000): Promise<void> {
    if (this.currentState === state) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new StreamsError(
            `instance did not reach ${state} within ${timeoutMs} ms (it is ${this.currentState})`,
          ),
        );
      }, timeoutMs);
      this.listeners.push((next) => {
        if (next === state) {
          clearTimeout(timer);
          resolve();
        } else if (next === 'ERROR') {
          clearTimeout(timer);
          reject(this.fatalError ?? new StreamsError('instance failed'));
        }
      });
    });
  }

  /**
   * Finishes the current batch, commits, leaves the group and removes this instance from the
   * instances topic. Resolves false if that took longer than `timeoutMs`.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<boolean> {
    if (this.currentState === 'NOT_RUNNING') return true;
    const failed = this.currentState === 'ERROR' || this.currentState === 'PENDING_ERROR';
    if (!failed && this.currentState !== 'PENDING_SHUTDOWN') this.transition('PENDING_SHUTDOWN');
    const started = this.started;
    started?.thread?.stop();
    const done = (async () => {
      await started?.thread?.done.catch(() => {});
      await started?.workers?.stop();
      await started?.standbys?.close();
      await started?.global?.close();
      await started?.directory.close(!failed);
      this.releaseStateDirectory?.();
      return true;
    })();
    const timeout = new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(false), options.timeoutMs ?? 60_000).unref(),
    );
    const finished = await Promise.race([done, timeout]);
    if (this.currentState === 'PENDING_SHUTDOWN') this.transition('NOT_RUNNING');
    return finished;
  }

  /**
   * A read-only view of a store across the partitions this instance hosts (Kafka Streams'
   * `store(StoreQueryParameters)`): `streams.store(name)` reads a key-value store;
   * `streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.windowStore()))`
   * any kind, optionally one partition (`withPartition`) or with standby and restoring stores
   * (`enableStaleStores`). The view finds the stores on every call, so it follows rebalances; a
   * call throws StoreNotQueryableError while the store cannot answer here (the instance is not
   * RUNNING, or the partition is elsewhere), naming why. Keys hosted elsewhere are found with
   * queryMetadataForKey.
   */
  store<K, V>(name: string): ReadOnlyKeyValueStore<K, V>;
  store<T>(parameters: StoreQueryParameters<T>): T;
  store(query: string | StoreQueryParameters<unknown>): unknown {
    const parameters =
      typeof query === 'string'
        ? StoreQueryParameters.fromNameAndType(query, QueryableStoreTypes.keyValueStore())
        : query;
    const name = parameters.storeName;
    const builder = this.topology.internal;
    const storeBuilder = builder.stores.get(name) ?? builder.globalStores.get(name)?.store;
    if (!storeBuilder)
      throw new UnknownStateStoreError(
        name,
        [...builder.stores.keys(), ...builder.globalStores.keys()].sort(),
      );
    const requested = parameters.type.kind;
    const actual = kindOfBuilder(storeBuilder);
    if (actual !== undefined && !accepts(requested, actual))
      throw new InvalidStoreTypeError(
        `store ${name} is a ${actual} store and cannot be queried as a ${requested} store; ask for QueryableStoreTypes.${camel(actual)}Store()`,
      );
    return queryView(requested, actual, () => this.storesToQuery(parameters));
  }

  /**
   * Every store of the topology: its kind, serdes, and the partitions this instance hosts now
   * (active and restored; standby or restoring). What a query tool, such as the HTTP query server,
   * needs to read keys as text and route them.
   */
  storeDescriptions(): StoreDescription[] {
    const started = this.started;
    const alive = this.currentState === 'RUNNING' || this.currentState === 'REBALANCING';
    return describeStores(
      this.config.applicationId,
      this.topology.internal,
      { keySerde: this.config.defaultKeySerde, valueSerde: this.config.defaultValueSerde },
      started && {
        subtopologies: started.subtopologies,
        taskCounts: started.taskCounts,
        active: alive
          ? this.hostedTasks().map((t) => ({ id: TaskId.parse(t.id), restored: t.restored }))
          : [],
        standbys: (name) => (alive ? (started.standbys?.storesNamed(name) ?? []) : []),
        globalReady: alive && started.global !== null,
      },
    );
  }

  /**
   * How far behind its changelog each local copy of each store is, by store name and partition
   * (Kafka Streams' allLocalStorePartitionLags): 0 for active, restored stores; the records a
   * standby has yet to apply; for a store still restoring, the records its restore has yet to replay.
   */
  async allLocalStorePartitionLags(): Promise<Map<string, Map<number, LagInfo>>> {
    const lags = new Map<string, Map<number, LagInfo>>();
    for (const store of this.storeDescriptions()) {
      if (store.global) continue;
      const byPartition = new Map<number, LagInfo>();
      const standbyLags = (await this.started?.standbys?.lags(store.name)) ?? new Map<number, number>();
      for (const [partition, offsetLag] of standbyLags) byPartition.set(partition, { offsetLag });
      for (const [partition, offsetLag] of this.restoreProgress.lags(store.name))
        if (store.restoringPartitions.includes(partition)) byPartition.set(partition, { offsetLag });
      for (const partition of store.activePartitions) byPartition.set(partition, { offsetLag: 0 });
      if (byPartition.size > 0) lags.set(store.name, byPartition);
    }
    return lags;
  }

  /**
   * The committed changes of a key-value store as they reach its changelog (after the cache
   * flushes them), from any instance: an rxjs Observable whose first event says where in the
   * changelog it starts, then one event per change, in changelog order. Each subscription reads
   * with a consumer of its own; unsubscribe to stop it. `key` or `prefix` narrow it; `from`
   * resumes at earlier positions (as far back as the changelog still holds).
   */
  changes<K, V>(storeName: string, options: StoreChangesOptions<K> = {}): Observable<StoreChangeEvent<K, V>> {
    const started = this.started;
    if (!started)
      throw new StreamsNotStartedError(
        `changes(${storeName}): the instance has not started; call start() first`,
      );
    const all = this.storeDescriptions();
    const store = all.find((d) => d.name === storeName);
    if (!store)
      throw new UnknownStateStoreError(
        storeName,
        all.map((d) => d.name),
      );
    if (store.global)
      throw new InvalidStoreTypeError(
        `changes(${storeName}): ${storeName} is a global store, which has no changelog; its changes are the records of its source topic`,
      );
    if (store.kind !== 'key-value' && store.kind !== 'timestamped-key-value')
      throw new InvalidStoreTypeError(
        `changes(${storeName}): live changes are read from key-value stores, and ${storeName} is a ${store.kind ?? 'custom'} store`,
      );
    const { changelogTopic: topic, keySerde, valueSerde } = store;
    if (!topic)
      throw new StreamsError(
        `changes(${storeName}): the store has logging disabled, and live changes are read from its changelog; enable logging (Materialized.withLoggingEnabled)`,
      );
    if (!keySerde || !valueSerde)
      throw new StreamsError(`changes(${storeName}): the store's serdes are unknown; give it serdes`);
    const keyBytes = options.key === undefined ? null : keySerde.serialize(topic, options.key);
    const prefixBytes = options.prefix === undefined ? null : keySerde.serialize(topic, options.prefix);
    const everyPartition = Array.from({ length: store.partitionCount }, (_, p) => p);
    return changelogTail(started.transport, {
      topic,
      partitions: keyBytes ? [partitionForKey(keyBytes, store.partitionCount)] : everyPartition,
      keySerde: keySerde as Serde<K>,
      valueSerde: valueSerde as Serde<V>,
      accept: keyBytes
        ? (key) => key.equals(keyBytes)
        : prefixBytes
          ? (key) => key.subarray(0, prefixBytes.length).equals(prefixBytes)
          : () => true,
      from: new Map((options.from ?? []).map((p) => [p.partition, p.offset])),
      clientId: `${this.config.instanceId}-changes-${++this.changeSubscriptions}`,
    });
  }

  /** The local instances of a store a query may read now, or StoreNotQueryableError saying why none. */
  private storesToQuery(parameters: StoreQueryParameters<unknown>): StateStore[] {
    const { storeName: name, partition, staleStoresEnabled: stale } = parameters;
    const state = this.currentState;
    // A global store is whole once started, through rebalances; a task's store holds its partition.
    const global = this.started?.global?.stores.get(name);
    if (global) {
      if (state === 'RUNNING' || state === 'REBALANCING') return [global];
      throw new StoreNotQueryableError(
        name,
        state,
        `store ${name} cannot be queried while the instance is ${state}`,
      );
    }
    if (!stale && state !== 'RUNNING')
      throw new StoreNotQueryableError(
        name,
        state,
        `store ${name} cannot be queried while the instance is ${state}; retry when it is RUNNING, or enable stale stores`,
      );
    if (!this.started || state === 'NOT_RUNNING' || state === 'ERROR' || state === 'PENDING_SHUTDOWN')
      throw new StoreNotQueryableError(
        name,
        state,
        `store ${name} cannot be queried: the instance is ${state}`,
      );
    if (this.started.workers) return this.threadStores(this.started.workers, parameters);
    const found: { taskId: TaskId; store: StateStore }[] = [];
    for (const task of this.activeTasks()) {
      const store = task.stateManager.stores.get(name);
      if (store && (stale || task.status === 'RUNNING')) found.push({ taskId: task.id, store });
    }
    if (stale) found.push(...(this.started.standbys?.storesNamed(name) ?? []));
    if (partition === undefined) return found.map((f) => f.store);
    const mine = found.filter((f) => f.taskId.partition === partition).map((f) => f.store);
    if (mine.length === 0)
      throw new StoreNotQueryableError(
        name,
        state,
        `partition ${partition} of store ${name} is not ${stale ? 'hosted' : 'active and restored'} on this instance; queryMetadataForKey names the one that hosts it`,
      );
    return mine;
  }

  /**
   * The stores of stream threads in workers, as stores whose every read is a query the hosting
   * thread answers (thread-queries.ts); one per thread that hosts a partition the query may read.
   */
  private threadStores(
    workers: StreamThreadWorkers,
    parameters: StoreQueryParameters<unknown>,
  ): StateStore[] {
    const { storeName: name, partition, staleStoresEnabled: stale } = parameters;
    const builder = this.topology.internal;
    const kind = kindOfBuilder(builder.stores.get(name)!) ?? parameters.type.kind;
    const subtopology = this.started!.subtopologies.find((s) => s.stores.includes(name))?.id;
    const channels = workers.queryChannels((task) => {
      const id = TaskId.parse(task.id);
      return (
        id.subtopology === subtopology &&
        (stale || task.restored) &&
        (partition === undefined || id.partition === partition)
      );
    });
    if (partition !== undefined && channels.length === 0)
      throw new StoreNotQueryableError(
        name,
        this.currentState,
        `partition ${partition} of store ${name} is not ${stale ? 'hosted' : 'active and restored'} on this instance; queryMetadataForKey names the one that hosts it`,
      );
    const timestamped = kind === 'timestamped-key-value' || kind === 'timestamped-window';
    return channels.map((c) => c.remoteStore({ store: name, kind, partition, stale }, timestamped));
  }

  /**
   * Deletes this application's local state directory (`<stateDir>/<applicationId>`), so the next
   * start restores everything from the changelogs. Only before start() or after close().
   */
  async cleanUp(): Promise<void> {
    if (
      this.currentState !== 'CREATED' &&
      this.currentState !== 'NOT_RUNNING' &&
      this.currentState !== 'ERROR'
    ) {
      throw new StreamsError(
        `cleanUp(): the instance is ${this.currentState}; call it before start() or after close()`,
      );
    }
    await rm(join(this.config.stateDir, this.config.applicationId), { recursive: true, force: true });
  }

  /** The instances of this application and what each hosts, from the instances topic. */
  metadataForAllStreamsClients(): StreamsMetadata[] {
    return this.started?.directory.all() ?? [];
  }

  /** Which partition holds `key` in store `storeName`, and which instance hosts it (murmur2, as the producer). */
  queryMetadataForKey<K>(storeName: string, key: K, keySerde: Serde<K>): KeyQueryMetadata {
    const started = this.started;
    if (!started)
      throw new StreamsNotStartedError(
        'queryMetadataForKey: the instance has not started; call start() first',
      );
    const sub = started.subtopologies.find((s) => s.stores.includes(storeName));
    if (!sub)
      throw new StreamsError(`queryMetadataForKey: no state store named ${storeName} in the topology`);
    const bytes = keySerde.serialize(sub.sourceTopics[0]!, key);
    if (bytes === null) throw new StreamsError('queryMetadataForKey: the key must not be null');
    const partition = partitionForKey(bytes, started.taskCounts.get(sub.id)!);
    const task = `${sub.id}_${partition}`;
    const all = started.directory.all();
    const activeHost = all.find((m) => m.activeTasks.includes(task)) ?? null;
    return { partition, activeHost, standbyHosts: all.filter((m) => m.standbyTasks?.includes(task)) };
  }

  /** The tasks this instance runs, as `taskId` strings (e.g. `0_3`). */
  activeTaskIds(): string[] {
    return this.hostedTasks()
      .map((t) => t.id)
      .sort();
  }

  /** The instance's stream threads and the tasks of each (Kafka Streams' metadataForLocalThreads). */
  metadataForLocalThreads(): ThreadMetadata[] {
    const started = this.started;
    if (!started) return [];
    const name = (index: number) => `${this.config.instanceId}-StreamThread-${index}`;
    const ids = (tasks: readonly HostedTask[]) => tasks.map((t) => t.id).sort();
    if (started.workers)
      return started.workers.threads().map((t) => ({ threadName: name(t.index), activeTasks: ids(t.tasks) }));
    return started.thread ? [{ threadName: name(1), activeTasks: ids(this.hostedTasks()) }] : [];
  }

  /** The active tasks of this thread's stream thread (none when the stream threads run in workers). */
  private activeTasks(): StreamTask[] {
    return [...(this.started?.thread?.taskManager.tasks.values() ?? [])];
  }

  /** The active tasks of every stream thread. */
  private hostedTasks(): HostedTask[] {
    const workers = this.started?.workers;
    if (workers) return workers.hostedTasks();
    return this.activeTasks().map((t) => ({
      id: String(t.id),
      restored: t.status === 'RUNNING',
      inputTopics: t.inputTopics(),
    }));
  }

  /** Publishes this instance's active and standby tasks to the instances topic. */
  private async publishSelf(): Promise<void> {
    const started = this.started;
    if (started) await started.directory.publish(this.describeSelf(this.hostedTasks(), started));
  }

  private describeSelf(
    tasks: readonly HostedTask[],
    { subtopologies, standbys, taskCounts }: Started,
  ): StreamsMetadata {
    const standbyTasks = standbys?.taskIds() ?? [];
    const resolve = topicResolver(this.config.applicationId, this.topology.internal);
    const ids = tasks.map((t) => TaskId.parse(t.id));
    return {
      instanceId: this.config.instanceId,
      hostInfo: this.config.applicationServer ?? null,
      activeTasks: tasks.map((t) => t.id).sort(),
      topicPartitions: tasks.flatMap((t, i) =>
        t.inputTopics.map((topic) => ({ topic, partition: ids[i]!.partition })),
      ),
      stateStoreNames: [...new Set(ids.flatMap((id) => subtopologies[id.subtopology]!.stores))].sort(),
      standbyTasks,
      standbyTopicPartitions: standbyTasks.flatMap((id) => {
        const task = TaskId.parse(id);
        const sub = subtopologies[task.subtopology]!;
        return task.partition < (taskCounts.get(sub.id) ?? 0)
          ? sub.sourceTopics.map((topic) => ({ topic: resolve(topic), partition: task.partition }))
          : [];
      }),
      generation: ++this.generation,
    };
  }

  private transport(): Transport {
    const servers = this.config.bootstrapServers;
    if (!servers.startsWith('memory://')) warnOnSmallThreadPool(this.logger);
    return transportFor(servers, {
      settings: this.config.kafka,
      flushTimeoutMs: this.config.taskTimeoutMs,
      logger: this.logger,
      dataPlane: this.config.kafkaDataPlane,
    });
  }

  private fail(err: Error): void {
    if (this.currentState === 'ERROR') return;
    this.fatalError = err;
    this.logger.error({ err }, `the instance failed and stops processing (state ERROR): ${err.message}`);
    if (this.currentState !== 'PENDING_ERROR') this.transition('PENDING_ERROR');
    this.transition('ERROR');
  }

  private transitionIfAlive(next: KafkaStreamsState): void {
    if (this.currentState === 'REBALANCING' || this.currentState === 'RUNNING') this.transition(next);
  }

  private transition(next: KafkaStreamsState): void {
    const previous = this.currentState;
    if (previous === next && next !== 'REBALANCING') return;
    if (!TRANSITIONS[previous].includes(next))
      throw new StreamsError(`internal: invalid state transition ${previous} -> ${next}`);
    this.currentState = next;
    if (previous !== next) this.logger.info({ state: next, previous }, `state ${previous} -> ${next}`);
    for (const listener of [...this.listeners]) listener(next, previous);
  }
}

/** libuv's worker threads an instance on Kafka wants at least: see warnOnSmallThreadPool. */
const WANTED_THREADPOOL_SIZE = 16;

/**
 * librdkafka's Node binding runs each blocking call (a poll, a flush, a transaction commit) on one
 * of libuv's worker threads, 4 unless UV_THREADPOOL_SIZE says otherwise. An instance's clients
 * need more at once; with too few, calls queue behind each other and, after a broker bounce, never
 * run. The variable must be set before Node starts its pool, so it is the operator's to set.
 */
function warnOnSmallThreadPool(logger: Logger): void {
  const size = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  if (size >= WANTED_THREADPOOL_SIZE) return;
  logger.warn(
    { uvThreadpoolSize: size },
    `UV_THREADPOOL_SIZE is ${size}: librdkafka's blocking calls share libuv's worker threads, and an instance on Kafka needs more at once; start node with UV_THREADPOOL_SIZE=${WANTED_THREADPOOL_SIZE} or more (docs/operations.md)`,
  );
}

/** 'timestamped-key-value' → 'timestampedKeyValue', for the QueryableStoreTypes method to name. */
function camel(kind: string): string {
  return kind.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());
}
