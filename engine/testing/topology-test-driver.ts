import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import type { KeyValueStore } from '../../state-stores/key-value-store.js';
import { KeyValueStoreFacade } from '../../state-stores/key-value-store-facade.js';
import { RecordCache } from '../../state-stores/record-cache.js';
import type { SessionStore } from '../../state-stores/session-store.js';
import type { StateStore } from '../../state-stores/state-store.js';
import {
  isTimestamped,
  type TimestampedKeyValueStore,
  type ValueAndTimestamp,
} from '../../state-stores/value-and-timestamp.js';
import { isVersioned, type VersionedKeyValueStore } from '../../state-stores/versioned-key-value-store.js';
import type { WindowStore } from '../../state-stores/window-store.js';
import { WindowStoreFacade } from '../../state-stores/window-store-facade.js';
import { defaultLogger } from '../logger.js';
import { GlobalTask } from '../runtime/internals/global-task.js';
import { changelogTopicName, topicResolver } from '../runtime/internals/internal-topics.js';
import { StreamsMetrics } from '../runtime/internals/metrics.js';
import type { RecordCollector } from '../runtime/internals/record-collector.js';
import { RefusedOutputs } from '../runtime/internals/refused-outputs.js';
import { StreamTask } from '../runtime/internals/stream-task.js';
import { resolveErrorHandling, type StreamsConfig } from '../runtime/streams-config.js';
import type { Serde } from '../serdes/serde.js';
import { TaskId } from '../task-id.js';
import { compileSubtopologies } from '../topology/internals/subtopologies.js';
import type { Topology } from '../topology/topology.js';
import type { ConsumerRecord } from '../transport/ports.js';
import { TestInputTopic } from './test-input-topic.js';
import { type CapturedRecord, TestOutputTopic } from './test-output-topic.js';

/** The config keys the driver honours (the rest of StreamsConfig concerns the broker). */
export type TestDriverConfig = Partial<
  Pick<
    StreamsConfig,
    | 'applicationId'
    | 'cacheMaxBytes'
    | 'defaultKeySerde'
    | 'defaultValueSerde'
    | 'defaultTimestampExtractor'
    | 'deserializationExceptionHandler'
    | 'processingExceptionHandler'
    | 'productionExceptionHandler'
    | 'deadLetterQueueTopic'
    | 'logger'
  >
>;

/**
 * Runs a topology synchronously, without a broker: each sub-topology as one task. A piped record
 * is processed to the end before `pipeInput` returns, including records that pass through
 * repartition topics or through output topics the topology also reads (as Kafka Streams' driver
 * does). After each record, stream-time punctuators run and stores are flushed.
 */
export class TopologyTestDriver {
  private readonly tasks: StreamTask[] = [];
  /** The global stores (GlobalKTables) and their processors. */
  private readonly global: GlobalTask;
  private readonly taskByTopic = new Map<string, StreamTask>();
  private readonly outputs = new Map<string, CapturedRecord[]>();
  private readonly offsets = new Map<string, number>();
  private readonly resolveTopic: (name: string) => string;
  private readonly repartitionTopics: Set<string>;
  private readonly changelogTopics: Set<string>;
  private wallClockMs: number;
  /** A temporary state directory for persistent stores, deleted by close(). */
  private readonly stateDir = mkdtempSync(join(tmpdir(), 'rivulet-test-driver-'));
  /** @internal */
  readonly streamsMetrics = new StreamsMetrics();

  /** The driver's metrics registry (dropped records and more), as an instance's `metrics()`. */
  metrics(): Registry {
    return this.streamsMetrics.registry;
  }

  constructor(topology: Topology, config: TestDriverConfig = {}, initialWallClockMs = Date.now()) {
    const applicationId = config.applicationId ?? 'test-driver';
    const builder = topology.internal;
    this.wallClockMs = initialWallClockMs;
    this.resolveTopic = topicResolver(applicationId, builder);
    this.repartitionTopics = new Set([...builder.repartitionTopics.keys()].map(this.resolveTopic));
    this.changelogTopics = new Set(
      [...builder.stores.keys()].map((store) => changelogTopicName(applicationId, store)),
    );
    const collector: RecordCollector = {
      send: (topic, key, value, headers, timestampMs) =>
        this.capture(topic, key, value, headers, timestampMs),
      partitionsFor: () => 1,
    };
    const logger = (config.logger ?? defaultLogger()).child({ applicationId, driver: true });
    const errorHandling = resolveErrorHandling(applicationId, config);
    this.global = new GlobalTask(builder.globalStores.values(), {
      applicationId,
      builder,
      metrics: this.streamsMetrics,
      defaultKeySerde: config.defaultKeySerde,
      defaultValueSerde: config.defaultValueSerde,
      defaultTimestampExtractor: config.defaultTimestampExtractor,
      errorHandling,
      recordCache: null,
      applicationStateDir: this.stateDir,
      globalStateDir: join(this.stateDir, 'global'),
      logger,
      wallClockMs: () => this.wallClockMs,
    });
    for (const sub of compileSubtopologies(builder)) {
      const task = new StreamTask(new TaskId(sub.id, 0), sub, {
        applicationId,
        builder,
        collector,
        metrics: this.streamsMetrics,
        defaultKeySerde: config.defaultKeySerde,
        defaultValueSerde: config.defaultValueSerde,
        defaultTimestampExtractor: config.defaultTimestampExtractor,
        maxTaskIdleMs: -1,
        // Every piped record is processed to the end at once: nothing is ever waiting on a broker.
        isCaughtUp: () => true,
        errorHandling,
        logger,
        // The driver's collector delivers every record: nothing is ever refused after the fact.
        refusedOutputs: new RefusedOutputs(),
        // Flushed after every record (as Kafka Streams' driver commits after each), so caching never hides an update.
        recordCache: new RecordCache(config.cacheMaxBytes ?? 10 * 1024 * 1024),
        applicationStateDir: this.stateDir,
        resolveTopic: this.resolveTopic,
        wallClockMs: () => this.wallClockMs,
        globalStores: this.global.stores,
      });
      task.restored(); // nothing to restore: the driver starts from empty stores
      this.tasks.push(task);
      for (const topic of task.inputTopics()) this.taskByTopic.set(topic, task);
    }
  }

  createInputTopic<K, V>(
    topic: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    startTimestampMs = this.wallClockMs,
    autoAdvanceMs = 0,
  ): TestInputTopic<K, V> {
    if (!this.taskByTopic.has(topic) && !this.global.topics().includes(topic)) {
      throw new Error(
        `topology does not read topic ${topic}; its source topics are: ${[...this.taskByTopic.keys(), ...this.global.topics()].join(', ')}`,
      );
    }
    return new TestInputTopic(
      topic,
      keySerde,
      valueSerde,
      (t, key, value, timestampMs, record) => {
        this.enqueue(t, key, value, timestampMs, record.headers ?? []);
        this.processAll();
      },
      startTimestampMs,
      autoAdvanceMs,
    );
  }

  createOutputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestOutputTopic<K, V> {
    return new TestOutputTopic(topic, keySerde, valueSerde, this.outputQueue(topic));
  }

  getStateStore(name: string): StateStore | undefined {
    const global = this.global.stores.get(name);
    if (global) return global;
    for (const task of this.tasks) {
      const store = task.stateManager.stores.get(name);
      if (store) return store;
    }
    return undefined;
  }

  /** A key-value store; the DSL's timestamped stores are seen without their timestamps, as in Kafka Streams. */
  getKeyValueStore<K, V>(name: string): KeyValueStore<K, V> {
    const store = this.getStateStore(name);
    if (!store || !('putIfAbsent' in store))
      throw new Error(`no key-value store named ${name} in the topology`);
    return isTimestamped(store)
      ? new KeyValueStoreFacade(store as TimestampedKeyValueStore<K, V>)
      : (store as KeyValueStore<K, V>);
  }

  /** A timestamped key-value store (the DSL's tables and aggregations), values with their timestamps. */
  getTimestampedKeyValueStore<K, V>(name: string): TimestampedKeyValueStore<K, V> {
    const store = this.getStateStore(name);
    if (!store || !isTimestamped(store))
      throw new Error(`no timestamped key-value store named ${name} in the topology`);
    return store as TimestampedKeyValueStore<K, V>;
  }

  /** A window store; the DSL's timestamped window stores are seen without their timestamps, as in Kafka Streams. */
  getWindowStore<K, V>(name: string): WindowStore<K, V> {
    const store = this.getStateStore(name);
    if (!store || !('windowSizeMs' in store))
      throw new Error(`no window store named ${name} in the topology`);
    return isTimestamped(store)
      ? new WindowStoreFacade(store as WindowStore<K, ValueAndTimestamp<V>>)
      : (store as WindowStore<K, V>);
  }

  /** A timestamped window store (the DSL's windowed aggregations), values with their timestamps. */
  getTimestampedWindowStore<K, V>(name: string): WindowStore<K, ValueAndTimestamp<V>> {
    const store = this.getStateStore(name);
    if (!store || !('windowSizeMs' in store) || !isTimestamped(store))
      throw new Error(`no timestamped window store named ${name} in the topology`);
    return store as WindowStore<K, ValueAndTimestamp<V>>;
  }

  /** A versioned key-value store (a table materialized with Stores.persistentVersionedKeyValueStore). */
  getVersionedKeyValueStore<K, V>(name: string): VersionedKeyValueStore<K, V> {
    const store = this.getStateStore(name);
    if (!store || !isVersioned(store))
      throw new Error(`no versioned key-value store named ${name} in the topology`);
    return store as VersionedKeyValueStore<K, V>;
  }

  getSessionStore<K, V>(name: string): SessionStore<K, V> {
    const store = this.getStateStore(name);
    if (!store || !('findSessions' in store))
      throw new Error(`no session store named ${name} in the topology`);
    return store as SessionStore<K, V>;
  }

  /** Moves the wall clock and runs due wall-clock punctuators. */
  advanceWallClockTime(ms: number): void {
    this.wallClockMs += ms;
    for (const task of this.tasks) task.punctuateWallClock(this.wallClockMs);
    this.processAll();
  }

  /** Names of the topics the topology wrote to but no test has read from yet. */
  producedTopicNames(): string[] {
    return [...this.outputs.keys()];
  }

  /** Closes the tasks and deletes the driver's state directory. */
  close(): void {
    for (const task of this.tasks) task.close();
    this.global.close();
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  private enqueue(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    timestampMs: number,
    headers: CapturedRecord['headers'],
  ): void {
    const offset = this.offsets.get(topic) ?? 0;
    this.offsets.set(topic, offset + 1);
    const record: ConsumerRecord = { topic, partition: 0, offset, key, value, timestampMs, headers };
    const task = this.taskByTopic.get(topic);
    // A global topic updates its store at once, as the instance's global thread does.
    if (task) task.addRecords(topic, [record]);
    else {
      this.global.update(record);
      this.global.flush();
    }
  }

  private capture(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    headers: CapturedRecord['headers'],
    timestampMs: number,
  ): void {
    if (this.repartitionTopics.has(topic)) {
      this.enqueue(topic, key, value, timestampMs, headers);
      return;
    }
    if (this.changelogTopics.has(topic)) return;
    this.outputQueue(topic).push({ key, value, timestampMs, headers });
    // As in Kafka Streams' driver, a record written to a topic the topology reads goes back in.
    if (this.taskByTopic.has(topic) || this.global.topics().includes(topic))
      this.enqueue(topic, key, value, timestampMs, headers);
  }

  private outputQueue(topic: string): CapturedRecord[] {
    let queue = this.outputs.get(topic);
    if (!queue) {
      queue = [];
      this.outputs.set(topic, queue);
    }
    return queue;
  }

  /**
   * Processes until no task has a buffered record, repartitioned records included, flushing the
   * task's stores after every record as Kafka Streams' driver commits after every record: a cached
   * update is forwarded at once, so a word count of "a b a" emits a=1, b=1, a=2.
   */
  private processAll(): void {
    do {
      for (const task of this.tasks) {
        while (task.process()) task.flush();
      }
    } while (this.tasks.some((task) => task.hasBufferedRecords()));
  }
}
