import type { StateStore } from '../../../state-stores/state-store.js';
import { isClientFailure, StreamsError } from '../../errors.js';
import { type Logger, RateLimitedLog } from '../../logger.js';
import { isDeferredSerde } from '../../processor/internals/change.js';
import { ROUTINE_DROP_REASONS } from '../../processor/internals/internal-context.js';
import type { Processor } from '../../processor/processor.js';
import { Record } from '../../processor/record.js';
import { FailOnInvalidTimestamp, type TimestampExtractor } from '../../processor/timestamp-extractor.js';
import { InternalSerde } from '../../serdes/internal-serde.js';
import type { Serde } from '../../serdes/serde.js';
import type { TaskId } from '../../task-id.js';
import type { SinkDefinition } from '../../topology/internals/node-definitions.js';
import type { SubtopologyDefinition } from '../../topology/internals/subtopologies.js';
import type { ConsumerRecord, DeliveryFailure } from '../../transport/ports.js';
import { PunctuationQueue } from './punctuation.js';
import type { RecordCollector } from './record-collector.js';
import { type ErrorHandlingConfig, RecordErrorHandler, RecordFailedError } from './record-error-handler.js';
import { RecordQueue, type StampedRecord } from './record-queue.js';
import { type RefusedOutputs, refusalError } from './refused-outputs.js';
import type { StoreEnvironment } from './store-environment.js';
import { NodeContext, type RuntimeNode, type TaskContext } from './task-context.js';
import { TaskStateManager } from './task-state-manager.js';

/** What a task needs from the instance (or the TopologyTestDriver) that runs it. */
export interface TaskEnvironment extends StoreEnvironment {
  readonly collector: RecordCollector;
  readonly maxTaskIdleMs: number;
  /** Whether the consumer has fetched everything readable of an input partition (KIP-695's fetched lag 0). */
  isCaughtUp(topic: string, partition: number): boolean;
  /** For sources without their own (Consumed.withTimestampExtractor); else FailOnInvalidTimestamp. */
  readonly defaultTimestampExtractor?: TimestampExtractor;
  readonly errorHandling: ErrorHandlingConfig;
  /** Full topic name: internal topics get the `<applicationId>-` prefix. */
  resolveTopic(name: string): string;
  wallClockMs(): number;
  readonly logger: Logger;
  /** Outputs the cluster refused: sinks hand them to the production handler instead of sending them. */
  readonly refusedOutputs: RefusedOutputs;
  /** The instance's global stores (GlobalKTables), read by any processor. */
  readonly globalStores: ReadonlyMap<string, StateStore>;
}

const FAIL_ON_INVALID_TIMESTAMP = new FailOnInvalidTimestamp();

/**
 * One sub-topology on one partition: its processors, stores, input queues and stream time.
 * `process()` pushes one record synchronously from its source to the sinks.
 */
export class StreamTask {
  /** What the task's node contexts share (stream time, the record being processed, punctuations). */
  private readonly context: TaskContext;
  /** The task's stores: their changelogs, restore starts and checkpoint. */
  readonly stateManager: TaskStateManager;
  private readonly queues: RecordQueue[] = [];
  private readonly queueByTopic = new Map<string, RecordQueue>();
  private readonly sources = new Map<
    string,
    { node: RuntimeNode; keySerde: Serde<unknown>; valueSerde: Serde<unknown>; extractor: TimestampExtractor }
  >();
  private readonly processors: Processor<unknown, unknown, unknown, unknown>[] = [];
  private readonly consumed = new Map<string, number>();
  private readonly errors: RecordErrorHandler;
  /** Per empty input: when its idling ends (set once its fetched lag is known to be 0). */
  private readonly idleDeadlines = new Map<RecordQueue, number>();
  /** The raw record being processed: what a dead-letter record carries. */
  private currentRaw: ConsumerRecord | null = null;
  /** The raw record processed last: the stream thread names it when its outputs are refused. */
  lastProcessed: ConsumerRecord | null = null;
  private readonly logger: Logger;
  private readonly skips: RateLimitedLog;
  /** RESTORING while its stores replay their changelogs (it processes nothing), then RUNNING. */
  private taskStatus: 'RESTORING' | 'RUNNING' = 'RESTORING';

  constructor(
    readonly id: TaskId,
    readonly subtopology: SubtopologyDefinition,
    private readonly env: TaskEnvironment,
  ) {
    this.context = {
      applicationId: env.applicationId,
      taskId: id,
      punctuations: new PunctuationQueue(),
      stores: new Map(),
      globalStores: env.globalStores,
      metadata: null,
      recordTimestampMs: 0,
      streamTimeMs: -1,
      commitRequested: false,
      wallClockMs: env.wallClockMs,
      recordDropped: (reason) => this.recordDropped(reason),
    };
    this.logger = env.logger.child({ task: String(id) });
    this.skips = new RateLimitedLog(this.logger);
    this.errors = new RecordErrorHandler(
      env.errorHandling,
      env.collector,
      env.metrics,
      id,
      this.logger,
      env.refusedOutputs,
    );
    this.stateManager = new TaskStateManager(id, subtopology.stores, env, {
      recordTimestampMs: () => this.context.recordTimestampMs,
      sendChangelog: (topic, partition, key, value, timestampMs) =>
        env.collector.send(topic, key, value, [], timestampMs, partition),
    });
    for (const [name, store] of this.stateManager.stores) this.context.stores.set(name, store);
    this.buildNodes();
  }

  /** The full names of the topics this task reads, all at the task's partition. */
  inputTopics(): string[] {
    return this.queues.map((q) => q.topic);
  }

  addRecords(topic: string, records: readonly ConsumerRecord[]): void {
    const queue = this.queueByTopic.get(topic);
    if (!queue)
      throw new StreamsError(`task ${this.id} got records of topic ${topic}, which it does not read`);
    queue.add(records);
  }

  hasBufferedRecords(): boolean {
    return this.queues.some((q) => !q.isEmpty());
  }

  get status(): 'RESTORING' | 'RUNNING' {
    return this.taskStatus;
  }

  /** Its stores have replayed their changelogs: the task may process. */
  restored(): void {
    this.taskStatus = 'RUNNING';
  }

  /** Buffered, unprocessed records per input topic. */
  bufferedPerInput(): Map<string, number> {
    return new Map(this.queues.map((q) => [q.topic, q.size()]));
  }

  /**
   * Whether the task may process now (Kafka Streams' PartitionGroup.readyToProcess, KIP-695), so
   * co-partitioned inputs are processed in timestamp order. With an input partition empty it waits
   * while the broker still has records for it (or nothing was fetched yet), and then up to
   * maxTaskIdleMs more (0: not at all) before processing the other inputs anyway. With
   * maxTaskIdleMs -1 it never waits.
   */
  isProcessable(nowMs: number): boolean {
    let empty = 0;
    for (const q of this.queues) if (q.isEmpty()) empty++;
    if (empty === this.queues.length) return false;
    if (empty === 0 || this.env.maxTaskIdleMs < 0) {
      this.idleDeadlines.clear();
      return true;
    }
    for (const q of this.queues) {
      if (!q.isEmpty()) {
        this.idleDeadlines.delete(q);
        continue;
      }
      if (!this.env.isCaughtUp(q.topic, this.id.partition)) {
        this.idleDeadlines.delete(q);
        return false;
      }
      let deadline = this.idleDeadlines.get(q);
      if (deadline === undefined) {
        deadline = nowMs + this.env.maxTaskIdleMs;
        this.idleDeadlines.set(q, deadline);
      }
      if (nowMs < deadline) return false;
    }
    return true;
  }

  /** Processes the buffered record with the smallest timestamp; false if none is buffered. */
  process(): boolean {
    let queue: RecordQueue | undefined;
    let head: StampedRecord | null = null;
    for (const q of this.queues) {
      const candidate = q.head();
      if (candidate && (head === null || candidate.timestampMs < head.timestampMs)) {
        queue = q;
        head = candidate;
      }
    }
    if (!queue || !head) return false;
    queue.poll();
    const { raw, key, value, timestampMs } = head;
    this.lastProcessed = raw;
    const context = this.context;
    context.metadata = { topic: raw.topic, partition: raw.partition, offset: raw.offset };
    this.consumed.set(raw.topic, raw.offset + 1);
    const source = this.sources.get(queue.sourceName)!;
    if (timestampMs > context.streamTimeMs) context.streamTimeMs = timestampMs;
    context.recordTimestampMs = timestampMs;
    this.currentRaw = raw;
    try {
      source.node.process(new Record(key, value, timestampMs, raw.headers));
    } catch (cause) {
      this.errors.handle('processing', raw, cause as Error);
    } finally {
      this.currentRaw = null;
    }
    this.env.metrics.processedRecords.inc();
    context.punctuations.mayPunctuate('stream-time', context.streamTimeMs);
    return true;
  }

  /**
   * A queue's head, deserialized and stamped with its source's timestamp extractor (Kafka Streams'
   * RecordQueue.updateHead); null drops it: a deserialization error the handler skipped, or a
   * negative timestamp (logged and counted). A dropped record counts as consumed.
   */
  private stamp(
    source: { keySerde: Serde<unknown>; valueSerde: Serde<unknown>; extractor: TimestampExtractor },
    raw: ConsumerRecord,
    partitionTimeMs: number,
  ): StampedRecord | null {
    let key: unknown;
    let value: unknown;
    try {
      key = source.keySerde.deserialize(raw.topic, raw.key);
      value = source.valueSerde.deserialize(raw.topic, raw.value);
    } catch (cause) {
      this.errors.handle('deserialization', raw, cause as Error);
      this.consumed.set(raw.topic, raw.offset + 1);
      return null;
    }
    // The default extractor on a valid timestamp: no record object to build on the per-record path.
    if (source.extractor === FAIL_ON_INVALID_TIMESTAMP && raw.timestampMs >= 0)
      return { raw, key, value, timestampMs: raw.timestampMs };
    const { topic, partition, offset, headers } = raw;
    const timestampMs = source.extractor.extract(
      { topic, partition, offset, key, value, timestampMs: raw.timestampMs, headers },
      partitionTimeMs,
    );
    if (timestampMs >= 0) return { raw, key, value, timestampMs };
    this.consumed.set(raw.topic, raw.offset + 1);
    this.context.metadata = { topic, partition, offset };
    this.context.recordDropped('negative-timestamp');
    return null;
  }

  /**
   * at_least_once: outputs of `input` the cluster refused (found by the stream thread after the
   * fact) go to the production handler as if their send had failed.
   */
  handleRefusedOutputs(input: ConsumerRecord, failures: readonly DeliveryFailure[]): void {
    for (const f of failures) {
      this.errors.handle('production', input, refusalError(f.topic, f.error));
    }
  }

  punctuateWallClock(nowMs: number): boolean {
    return this.context.punctuations.mayPunctuate('wall-clock', nowMs);
  }

  /** Next offsets to commit per input topic of this task (only those that moved). */
  consumedOffsets(): ReadonlyMap<string, number> {
    return this.consumed;
  }

  flush(): void {
    this.stateManager.flush();
  }

  /** The highest record timestamp this task has processed (-1 before the first). */
  get streamTimeMs(): number {
    return this.context.streamTimeMs;
  }

  /** Whether a processor asked for a commit (ProcessorContext.commit()). */
  commitRequested(): boolean {
    return this.context.commitRequested;
  }

  /** Flushes the stores (caches forward here) for a commit, and returns the input offsets to commit. */
  prepareCommit(): ReadonlyMap<string, number> {
    this.flush();
    this.context.commitRequested = false;
    return this.consumed;
  }

  close(): void {
    for (const p of this.processors) p.close?.();
    this.stateManager.close();
    this.context.punctuations.clear();
    for (const q of this.queues) q.clear();
  }

  private buildNodes(): void {
    const nodes = new Map<string, RuntimeNode>();
    const init: (() => void)[] = [];
    for (const def of this.subtopology.nodes) {
      const node: { name: string; children: RuntimeNode[]; process: (r: Record<unknown, unknown>) => void } =
        {
          name: def.name,
          children: [],
          process: () => {},
        };
      nodes.set(def.name, node);
      if (def.kind !== 'source') for (const p of def.parents) nodes.get(p)!.children.push(node);

      if (def.kind === 'source') {
        const internal = def.topics.every((t) => this.env.builder.isInternalTopic(t));
        const keySerde = this.serdeOrDefault(
          def.keySerde,
          fallback(this.env.defaultKeySerde, internal),
          `key serde for source ${def.name}`,
        );
        const valueSerde = this.serdeOrDefault(
          def.valueSerde,
          fallback(this.env.defaultValueSerde, internal),
          `value serde for source ${def.name}`,
        );
        const context = new NodeContext(this.context, node, []);
        node.process = (record) => context.forward(record);
        // Repartition topics carry the timestamps already extracted upstream.
        const extractor = internal
          ? FAIL_ON_INVALID_TIMESTAMP
          : (def.timestampExtractor ?? this.env.defaultTimestampExtractor ?? FAIL_ON_INVALID_TIMESTAMP);
        const source = { node, keySerde, valueSerde, extractor };
        this.sources.set(def.name, source);
        for (const topic of def.topics) {
          const queue = new RecordQueue(
            this.env.resolveTopic(topic),
            this.id.partition,
            def.name,
            (raw, time) => this.stamp(source, raw, time),
          );
          this.queues.push(queue);
          this.queueByTopic.set(queue.topic, queue);
        }
      } else if (def.kind === 'processor') {
        // The graph connected this node to parents whose records it takes: its types are erased here only.
        const processor = def.supplier.get() as unknown as Processor<unknown, unknown, unknown, unknown>;
        this.processors.push(processor);
        const context = new NodeContext(this.context, node, def.stores);
        node.process = (record) => processor.process(record);
        init.push(() => processor.init?.(context));
      } else {
        node.process = this.sinkProcess(def);
      }
    }
    for (const run of init) run();
  }

  private sinkProcess(def: SinkDefinition): (record: Record<unknown, unknown>) => void {
    const internal = typeof def.topic === 'string' && this.env.builder.isInternalTopic(def.topic);
    const keySerde = this.serdeOrDefault(
      def.keySerde,
      fallback(this.env.defaultKeySerde, internal),
      `key serde for sink ${def.name}`,
    );
    const valueSerde = this.serdeOrDefault(
      def.valueSerde,
      fallback(this.env.defaultValueSerde, internal),
      `value serde for sink ${def.name}`,
    );
    const { collector, resolveTopic, refusedOutputs } = this.env;
    const staticTopic = typeof def.topic === 'string' ? resolveTopic(def.topic) : null;
    const extractor = typeof def.topic === 'string' ? null : def.topic;
    const partitioner = def.partitioner;
    return (record) => {
      let topic = staticTopic ?? '';
      try {
        topic ||= resolveTopic(extractor!(record.key, record.value, this.context.metadata));
        const partition = partitioner?.(topic, record.key, record.value, collector.partitionsFor(topic));
        const refused =
          refusedOutputs.size > 0 && this.currentRaw ? refusedOutputs.get(this.currentRaw, topic) : undefined;
        if (refused) {
          this.errors.handle('production', this.currentRaw!, refused);
          return;
        }
        collector.send(
          topic,
          keySerde.serialize(topic, record.key),
          valueSerde.serialize(topic, record.value),
          record.headers,
          record.timestampMs,
          partition,
        );
      } catch (cause) {
        // A punctuator's forward has no input record; its production errors always fail.
        if (!this.currentRaw || isClientFailure(cause) || cause instanceof RecordFailedError) throw cause;
        this.errors.handle(
          'production',
          this.currentRaw,
          new StreamsError(`sink ${def.name} to ${topic}: ${(cause as Error).message}`, { cause }),
        );
      }
    };
  }

  /** A record skipped on purpose (null key for an aggregation, a closed window...): counted, and logged at most once a minute per reason. */
  private recordDropped(reason: string): void {
    const task = String(this.id);
    this.env.metrics.droppedRecords.inc({ task, reason });
    const at = this.context.metadata;
    if (ROUTINE_DROP_REASONS.has(reason)) {
      this.logger.debug({ reason, record: at }, `skipped a record (${reason})`);
      return;
    }
    this.skips.warn(
      reason,
      { reason, record: at },
      `skipped a record (${reason})${at ? ` at ${at.topic}-${at.partition} offset ${at.offset}` : ''}; counted in rivulet_dropped_records_total`,
    );
  }

  private serdeOrDefault(
    serde: Serde<unknown> | undefined,
    fallback: Serde<unknown> | undefined,
    what: string,
  ): Serde<unknown> {
    const chosen = serde && isDeferredSerde(serde) ? serde.withDefault(fallback) : (serde ?? fallback);
    if (!chosen) {
      throw new StreamsError(
        `no ${what}: pass serdes (Consumed.with / Produced.with / Grouped.with / Materialized.with...) or set defaultKeySerde/defaultValueSerde in the config`,
      );
    }
    return chosen;
  }
}

/**
 * The serde a node without one takes: the config's default, else, on an internal topic
 * (repartition), the self-describing internal serde. User-facing topics have no such fallback.
 */
function fallback(
  configDefault: Serde<unknown> | undefined,
  internalTopic: boolean,
): Serde<unknown> | undefined {
  return configDefault ?? (internalTopic ? InternalSerde : undefined);
}
