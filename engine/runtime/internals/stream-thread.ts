import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { RecordCache } from '../../../state-stores/record-cache.js';
import type { StateRestoreListener } from '../../../state-stores/restore-listener.js';
import type { TaskId } from '../../processor/task-id.js';
import type { InternalTopologyBuilder } from '../../topology/internals/internal-topology-builder.js';
import type { SubtopologyDefinition } from '../../topology/internals/subtopologies.js';
import type { ConsumerPort, ProducerPort, TopicPartition, Transport } from '../../transport/ports.js';
import { tpKey } from '../../transport/topic-partition-key.js';
import type { ResolvedStreamsConfig } from '../streams-config.js';
import { TaskMigratedError } from '../streams-error.js';
import { topicResolver } from './internal-topics.js';
import type { StreamsMetrics } from './metrics.js';
import type { RecordCollector } from './record-collector.js';
import type { StreamTask, TaskEnvironment } from './stream-task.js';
import { TaskManager } from './task-manager.js';

export interface ThreadCallbacks {
  onRebalancing(): void;
  /** After every assignment, once the new tasks are restored: all active tasks. */
  onAssigned(tasks: readonly StreamTask[]): Promise<void>;
  restoreListener(): StateRestoreListener | null;
  /** Before tasks are created active here (standby replicas of them must close first). */
  beforeCreatingTasks(ids: readonly TaskId[]): Promise<void>;
}

const LAG_SAMPLE_INTERVAL_MS = 5_000;

/**
 * One stream thread, the whole engine of one process: a consumer, a producer, the tasks. The loop
 * polls a batch, processes it synchronously task by task, punctuates, commits when due, and yields
 * to the event loop between batches (ARCHITECTURE §4, commit order §7).
 */
export class StreamThread {
  readonly taskManager: TaskManager;
  /** What its tasks are built from (standby replicas build the same stores). */
  readonly taskEnvironment: TaskEnvironment;
  private readonly consumer: ConsumerPort;
  private producer: ProducerPort;
  private readonly eos: boolean;
  private transactionOpen = false;
  private running = false;
  private lastCommitMs = Date.now();
  private lastLagSampleMs = 0;
  private loop: Promise<void> | null = null;
  /** Input partitions paused because their task has enough records buffered (`topic\0partition`). */
  private readonly paused = new Set<string>();

  constructor(
    private readonly config: ResolvedStreamsConfig,
    builder: InternalTopologyBuilder,
    subtopologies: readonly SubtopologyDefinition[],
    private readonly transport: Transport,
    private readonly metrics: StreamsMetrics,
    private readonly callbacks: ThreadCallbacks,
  ) {
    this.eos = config.processingGuarantee === 'exactly_once_v2';
    this.consumer = transport.consumer({
      clientId: `${config.instanceId}-consumer`,
      groupId: config.applicationId,
      groupInstanceId: config.instanceId,
      isolationLevel: this.eos ? 'read_committed' : 'read_uncommitted',
    });
    this.producer = this.newProducer();
    // Sends go to whichever producer is current (it is replaced after an EOS migration).
    const collector: RecordCollector = {
      send: (topic, key, value, headers, timestampMs, partition) =>
        this.producer.send(topic, partition, key, value, headers, timestampMs),
      partitionsFor: (topic) => this.producer.partitionsFor(topic),
    };
    this.taskEnvironment = {
      applicationId: config.applicationId,
      builder,
      collector,
      metrics,
      defaultKeySerde: config.defaultKeySerde,
      defaultValueSerde: config.defaultValueSerde,
      maxTaskIdleMs: config.maxTaskIdleMs,
      errorHandling: config.errorHandling,
      recordCache: config.cacheMaxBytes > 0 ? new RecordCache(config.cacheMaxBytes) : null,
      applicationStateDir: join(config.stateDir, config.applicationId),
      resolveTopic: topicResolver(config.applicationId, builder),
      wallClockMs: Date.now,
    };
    this.taskManager = new TaskManager(subtopologies, this.taskEnvironment, {
      restoreConsumer: () =>
        transport.consumer({ clientId: `${config.instanceId}-restore`, isolationLevel: 'read_committed' }),
      endOffsets: (partitions) => this.consumer.endOffsets(partitions),
      eos: this.eos,
      restoreListener: () => callbacks.restoreListener(),
    });
  }

  /** Subscribes and starts the loop; `done` settles when the loop ends (rejects on a fatal error). */
  async start(sourceTopics: readonly string[]): Promise<void> {
    await this.readyProducer();
    this.consumer.subscribe(sourceTopics, {
      onPartitionsRevoked: (partitions) => this.onRevoked(partitions),
      onPartitionsAssigned: (partitions) => this.onAssigned(partitions),
    });
    this.running = true;
    this.loop = this.run();
  }

  get done(): Promise<void> {
    return this.loop ?? Promise.resolve();
  }

  /** Asks the loop to stop after the current batch; the close commits and leaves the group. */
  stop(): void {
    this.running = false;
  }

  private async run(): Promise<void> {
    let clean = false;
    try {
      while (this.running) {
        const records = await this.consumer.poll(this.config.maxPollRecords, this.config.pollMs);
        try {
          const started = performance.now();
          if (records.length) this.taskManager.addRecords(records);
          const now = Date.now();
          if (this.taskManager.process(this.config.maxPollRecords, now) > 0) {
            this.metrics.processBatchSeconds.observe((performance.now() - started) / 1000);
          }
          this.taskManager.punctuateWallClock(now);
          this.applyBackPressure();
          if (now - this.lastCommitMs >= this.config.commitIntervalMs || this.taskManager.commitRequested()) {
            await this.commit();
          }
          if (now - this.lastLagSampleMs >= LAG_SAMPLE_INTERVAL_MS) await this.sampleLag(now);
        } catch (err) {
          if (!(err instanceof TaskMigratedError)) throw err;
          await this.handleMigration();
        }
        await yieldToEventLoop();
      }
      await this.commit();
      clean = true;
    } finally {
      await this.shutdown(clean);
    }
  }

  /** Pauses partitions whose task has more than bufferedRecordsPerPartition waiting; resumes them once half is done. */
  private applyBackPressure(): void {
    const { pause, resume } = this.taskManager.backPressure(
      this.config.bufferedRecordsPerPartition,
      this.paused,
    );
    if (pause.length) {
      this.consumer.pause(pause);
      for (const tp of pause) this.paused.add(tpKey(tp));
    }
    if (resume.length) {
      this.consumer.resume(resume);
      for (const tp of resume) this.paused.delete(tpKey(tp));
    }
  }

  /** Stores flushed, producer flushed, then offsets (or the transaction) committed. */
  private async commit(): Promise<void> {
    const started = performance.now();
    const offsets = this.taskManager.prepareCommit();
    await this.producer.flush();
    if (this.eos) {
      // A transaction is always open under EOS (librdkafka's begin is asynchronous, sends are not).
      if (offsets.length)
        await this.producer.sendOffsetsToTransaction(offsets, this.consumer.groupMetadata());
      this.transactionOpen = false;
      await this.producer.commitTransaction();
      await this.beginTransaction();
    } else if (offsets.length) {
      try {
        await this.consumer.commit(offsets);
      } catch (cause) {
        throw new TaskMigratedError(`offset commit failed: ${(cause as Error).message}`, { cause });
      }
    }
    this.metrics.commits.inc();
    this.metrics.commitSeconds.observe((performance.now() - started) / 1000);
    this.lastCommitMs = Date.now();
    await this.taskManager.maybeCheckpoint();
  }

  private newProducer(): ProducerPort {
    return this.transport.producer({
      clientId: `${this.config.instanceId}-producer`,
      transactionalId: this.eos ? `${this.config.applicationId}-${this.config.instanceId}` : undefined,
    });
  }

  private async readyProducer(): Promise<void> {
    await this.producer.connect();
    if (this.eos) {
      await this.producer.initTransactions();
      await this.beginTransaction();
    }
  }

  private async beginTransaction(): Promise<void> {
    await this.producer.beginTransaction();
    this.transactionOpen = true;
  }

  /** Aborts the open transaction; a fenced producer cannot, and is replaced anyway. */
  private async abortTransaction(): Promise<void> {
    if (!this.transactionOpen) return;
    this.transactionOpen = false;
    await this.producer.abortTransaction().catch(() => {});
  }

  /**
   * Another member took over (fenced, or the commit was refused): drop all tasks without committing,
   * abort the open transaction, and rebuild the tasks of the partitions still owned from the
   * committed changelogs and offsets (under at-least-once the uncommitted work is redone). Under
   * exactly-once the producer is replaced: a fenced librdkafka producer is unusable.
   */
  private async handleMigration(): Promise<void> {
    const owned = [...this.taskManager.tasks.values()].flatMap((t) =>
      t.inputTopics().map((topic) => ({ topic, partition: t.id.partition })),
    );
    await this.taskManager.closeAll(false);
    if (this.paused.size) {
      this.consumer.resume(owned.filter((tp) => this.paused.has(tpKey(tp))));
      this.paused.clear();
    }
    if (this.eos) {
      await this.abortTransaction();
      await this.producer.close().catch(() => {});
      this.producer = this.newProducer();
      await this.readyProducer();
    }
    if (owned.length > 0) {
      const committed = await this.consumer.committed(owned);
      for (const c of committed) await this.consumer.seek({ ...c, offset: Math.max(c.offset, 0) });
      await this.taskManager.createTasks(this.taskManager.taskIdsFor(owned));
    }
    this.metrics.activeTasks.set(this.taskManager.tasks.size);
  }

  private async onRevoked(partitions: readonly TopicPartition[]): Promise<void> {
    this.callbacks.onRebalancing();
    let committed = true;
    try {
      await this.commit();
    } catch (err) {
      if (!(err instanceof TaskMigratedError)) throw err;
      // The work since the last commit is lost to us; the next owner redoes it from the committed offsets.
      committed = false;
      await this.abortTransaction();
      if (this.eos) await this.beginTransaction().catch(() => {});
    }
    await this.taskManager.closeTasks(this.taskManager.taskIdsFor(partitions), committed);
    for (const tp of partitions) this.paused.delete(tpKey(tp));
    this.metrics.activeTasks.set(this.taskManager.tasks.size);
  }

  private async onAssigned(partitions: readonly TopicPartition[]): Promise<void> {
    this.metrics.rebalances.inc();
    const ids = this.taskManager.taskIdsFor(partitions);
    await this.callbacks.beforeCreatingTasks(ids);
    await this.taskManager.createTasks(ids);
    this.metrics.activeTasks.set(this.taskManager.tasks.size);
    await this.callbacks.onAssigned([...this.taskManager.tasks.values()]);
  }

  /** Consumer lag per input partition: end offset minus the next offset to process. */
  private async sampleLag(now: number): Promise<void> {
    this.lastLagSampleMs = now;
    const positions: { topic: string; partition: number; offset: number }[] = [];
    for (const task of this.taskManager.tasks.values()) {
      for (const topic of task.inputTopics()) {
        const tp = { topic, partition: task.id.partition };
        positions.push({ ...tp, offset: task.consumedOffsets().get(topic) ?? this.consumer.position(tp) });
      }
    }
    if (positions.length === 0) return;
    const ends = await this.consumer.endOffsets(positions).catch(() => []);
    this.metrics.consumerLag.reset();
    ends.forEach((end, i) => {
      const lag = Math.max(0, end.offset - positions[i]!.offset);
      this.metrics.consumerLag.set({ topic: end.topic, partition: String(end.partition) }, lag);
    });
  }

  /** Clean: after the final commit, so persistent stores checkpoint; otherwise nothing is checkpointed. */
  private async shutdown(clean: boolean): Promise<void> {
    await this.taskManager.closeAll(clean).catch(() => this.taskManager.closeAll(false));
    this.metrics.activeTasks.set(0);
    await this.abortTransaction();
    await this.consumer.close();
    await this.producer.close();
  }
}
