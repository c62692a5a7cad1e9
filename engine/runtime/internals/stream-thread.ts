import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { InternalTopologyBuilder } from '../../topology/internals/internal-topology-builder.js';
import type { SubtopologyDefinition } from '../../topology/internals/subtopologies.js';
import type { ConsumerPort, ProducerPort, TopicPartition, Transport } from '../../transport/ports.js';
import type { ResolvedStreamsConfig } from '../streams-config.js';
import { TaskMigratedError } from '../streams-error.js';
import { topicResolver } from './internal-topics.js';
import type { StreamsMetrics } from './metrics.js';
import type { RecordCollector } from './record-collector.js';
import type { StreamTask } from './stream-task.js';
import { TaskManager } from './task-manager.js';

export interface ThreadCallbacks {
  onRebalancing(): void;
  /** After every assignment, once the new tasks are restored: all active tasks. */
  onAssigned(tasks: readonly StreamTask[]): Promise<void>;
}

/**
 * One stream thread, the whole engine of one process: a consumer, a producer, the tasks. The loop
 * polls a batch, processes it synchronously task by task, punctuates, commits when due, and yields
 * to the event loop between batches (ARCHITECTURE §4, commit order §7).
 */
export class StreamThread {
  readonly taskManager: TaskManager;
  private readonly consumer: ConsumerPort;
  private readonly producer: ProducerPort;
  private readonly eos: boolean;
  private transactionOpen = false;
  private running = false;
  private lastCommitMs: number;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly config: ResolvedStreamsConfig,
    builder: InternalTopologyBuilder,
    subtopologies: readonly SubtopologyDefinition[],
    transport: Transport,
    private readonly metrics: StreamsMetrics,
    private readonly callbacks: ThreadCallbacks,
  ) {
    this.eos = config.processingGuarantee === 'exactly_once_v2';
    const isolationLevel = this.eos ? 'read_committed' : 'read_uncommitted';
    this.consumer = transport.consumer({
      clientId: `${config.instanceId}-consumer`,
      groupId: config.applicationId,
      groupInstanceId: config.instanceId,
      isolationLevel,
    });
    this.producer = transport.producer({
      clientId: `${config.instanceId}-producer`,
      transactionalId: this.eos ? `${config.applicationId}-${config.instanceId}` : undefined,
    });
    const collector: RecordCollector = {
      send: (topic, key, value, headers, timestampMs, partition) => {
        this.producer.send(topic, partition, key, value, headers, timestampMs);
      },
      partitionsFor: (topic) => this.producer.partitionsFor(topic),
    };
    this.taskManager = new TaskManager(
      subtopologies,
      {
        applicationId: config.applicationId,
        builder,
        collector,
        metrics,
        defaultKeySerde: config.defaultKeySerde,
        defaultValueSerde: config.defaultValueSerde,
        maxTaskIdleMs: config.maxTaskIdleMs,
        errorHandling: config.errorHandling,
        resolveTopic: topicResolver(config.applicationId, builder),
        wallClockMs: Date.now,
      },
      () =>
        transport.consumer({ clientId: `${config.instanceId}-restore`, isolationLevel: 'read_committed' }),
    );
    this.lastCommitMs = Date.now();
  }

  /** Subscribes and starts the loop; the returned promise settles when the loop ends (rejects on a fatal error). */
  async start(sourceTopics: readonly string[]): Promise<void> {
    await this.producer.connect();
    if (this.eos) {
      await this.producer.initTransactions();
      await this.beginTransaction();
    }
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
    try {
      while (this.running) {
        const records = await this.consumer.poll(this.config.maxPollRecords, this.config.pollMs);
        try {
          if (records.length) this.taskManager.addRecords(records);
          const now = Date.now();
          this.taskManager.process(this.config.maxPollRecords, now);
          this.taskManager.punctuateWallClock(now);
          if (now - this.lastCommitMs >= this.config.commitIntervalMs || this.taskManager.commitRequested())
            await this.commit();
        } catch (err) {
          if (!(err instanceof TaskMigratedError)) throw err;
          await this.handleMigration();
        }
        await yieldToEventLoop();
      }
      await this.commit();
    } finally {
      await this.shutdown();
    }
  }

  /** Caches and stores flushed, producer flushed, then offsets (or the transaction) committed. */
  private async commit(): Promise<void> {
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
    this.lastCommitMs = Date.now();
  }

  private async beginTransaction(): Promise<void> {
    await this.producer.beginTransaction();
    this.transactionOpen = true;
  }

  /** Aborts the open transaction (best effort: a fenced producer cannot) and opens the next one. */
  private async abortTransaction(): Promise<void> {
    if (!this.eos) return;
    if (this.transactionOpen) {
      this.transactionOpen = false;
      await this.producer.abortTransaction().catch(() => {});
    }
  }

  /**
   * Another member took over (fenced, or the commit was refused): drop all tasks without committing,
   * abort the open transaction, and rebuild the tasks of the partitions still owned from the
   * committed changelogs and offsets (under at-least-once the uncommitted work is redone).
   */
  private async handleMigration(): Promise<void> {
    await this.abortTransaction();
    const owned = [...this.taskManager.tasks.values()].flatMap((t) =>
      t.inputTopics().map((topic) => ({ topic, partition: t.id.partition })),
    );
    this.taskManager.closeAll();
    if (owned.length > 0) {
      const committed = await this.consumer.committed(owned);
      for (const c of committed) await this.consumer.seek({ ...c, offset: Math.max(c.offset, 0) });
      await this.taskManager.createTasks(this.taskManager.taskIdsFor(owned));
    }
    if (this.eos) await this.beginTransaction();
  }

  private async onRevoked(partitions: readonly TopicPartition[]): Promise<void> {
    this.callbacks.onRebalancing();
    try {
      await this.commit();
    } catch (err) {
      if (!(err instanceof TaskMigratedError)) throw err;
      // The work since the last commit is lost to us; the next owner redoes it from the committed offsets.
      await this.abortTransaction();
      if (this.eos) await this.beginTransaction();
    }
    this.taskManager.closeTasks(this.taskManager.taskIdsFor(partitions));
  }

  private async onAssigned(partitions: readonly TopicPartition[]): Promise<void> {
    this.metrics.rebalances.inc();
    await this.taskManager.createTasks(this.taskManager.taskIdsFor(partitions));
    await this.callbacks.onAssigned([...this.taskManager.tasks.values()]);
  }

  private async shutdown(): Promise<void> {
    this.taskManager.closeAll();
    await this.abortTransaction();
    await this.consumer.close();
    await this.producer.close();
  }
}
