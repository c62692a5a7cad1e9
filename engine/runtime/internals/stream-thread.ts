import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { RecordCache } from '../../../state-stores/record-cache.js';
import type { StateRestoreListener } from '../../../state-stores/restore-listener.js';
import type { StateStore } from '../../../state-stores/state-store.js';
import { ClientFatalError, isClientFailure, StreamsError, TaskMigratedError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { TaskId } from '../../task-id.js';
import { tpKey } from '../../topic-partition.js';
import type { InternalTopologyBuilder } from '../../topology/internals/internal-topology-builder.js';
import type { SubtopologyDefinition } from '../../topology/internals/subtopologies.js';
import type {
  ConsumerPort,
  ConsumerRecord,
  DeliveryFailure,
  ProducerPort,
  TopicPartition,
  TopicPartitionOffset,
  Transport,
} from '../../transport/ports.js';
import type { ResolvedStreamsConfig } from '../streams-config.js';
import { changelogTopicName, topicResolver } from './internal-topics.js';
import type { StreamsMetrics } from './metrics.js';
import type { RecordCollector } from './record-collector.js';
import { RefusedOutputs } from './refused-outputs.js';
import { withRetries } from './retry.js';
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
/** How long a replaced producer may take to flush or close before it is left behind. */
const ABANDON_AFTER_MS = 10_000;
/** A step of the loop that waits longer than this is logged while it waits (and every such interval after). */
const SLOW_STEP_LOG_MS = 10_000;

/** Output records the cluster refused; the work since the last commit is redone to find their inputs. */
class RecordsRefusedError extends TaskMigratedError {
  override name = 'RecordsRefusedError';
}

/**
 * One stream thread, the whole engine of one process: a consumer, a producer, the tasks. The loop
 * polls a batch, processes it synchronously task by task, punctuates, commits when due, and yields
 * to the event loop between batches (ARCHITECTURE §4, commit order §7).
 *
 * Failures of the cluster or the clients never become wrong results: a TaskMigratedError (fenced,
 * a transaction to abort, records refused) aborts the open work, closes the tasks dirty and
 * rebuilds them from the committed offsets and changelogs; a fatal producer error does the same
 * with a new producer; transient errors are retried for up to taskTimeoutMs. A fatal consumer
 * error ends the thread with a ClientFatalError, and the instance starts a new one.
 */
export class StreamThread {
  readonly taskManager: TaskManager;
  /** What its tasks are built from (standby replicas build the same stores). */
  readonly taskEnvironment: TaskEnvironment;
  private readonly consumer: ConsumerPort;
  private producer: ProducerPort;
  private readonly eos: boolean;
  private readonly logger: Logger;
  private readonly refused = new RefusedOutputs();
  private readonly changelogTopics: ReadonlySet<string>;
  private transactionOpen = false;
  /** How many producers this thread has made (each replacement gets a transactional id of its own). */
  private producerGeneration = 0;
  private running = false;
  private lastCommitMs = Date.now();
  /** When the open work was first given up since the last commit (to stop an abort loop). */
  private abortingSinceMs: number | null = null;
  private lastLagSampleMs = 0;
  private loop: Promise<void> | null = null;
  /** Input partitions paused because their task has enough records buffered (`topic\0partition`). */
  private readonly paused = new Set<string>();
  /**
   * After a refusal: the offsets (per input partition) up to which records are processed one at a
   * time, with a flush after each, so a refused output is traced to the input record it came from.
   */
  private isolateUntil: Map<string, number> | null = null;
  /** Whether the last isolated pass processed a record (then the next poll does not wait). */
  private isolatedBusy = false;
  /** Where each input partition was rewound to by the last redo (its next offset to process). */
  private readonly rewoundTo = new Map<string, number>();
  /** What the loop awaits now, and since when: the watchdog logs a step that takes long, so no wait is silent. */
  private step = 'starting';
  private stepSinceMs = Date.now();
  private watchdog: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: ResolvedStreamsConfig,
    builder: InternalTopologyBuilder,
    subtopologies: readonly SubtopologyDefinition[],
    private readonly transport: Transport,
    private readonly metrics: StreamsMetrics,
    private readonly callbacks: ThreadCallbacks,
    globalStores: ReadonlyMap<string, StateStore>,
  ) {
    this.eos = config.processingGuarantee === 'exactly_once_v2';
    this.logger = config.logger.child({ thread: `${config.instanceId}-thread` });
    this.consumer = transport.consumer({
      clientId: `${config.instanceId}-consumer`,
      groupId: config.applicationId,
      groupInstanceId: config.staticMembership ? config.instanceId : undefined,
      isolationLevel: this.eos ? 'read_committed' : 'read_uncommitted',
    });
    this.producer = this.newProducer();
    this.changelogTopics = new Set(
      [...builder.stores.keys()].map((s) => changelogTopicName(config.applicationId, s)),
    );
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
      defaultTimestampExtractor: config.defaultTimestampExtractor,
      maxTaskIdleMs: config.maxTaskIdleMs,
      isCaughtUp: (topic, partition) => this.consumer.caughtUp({ topic, partition }),
      errorHandling: config.errorHandling,
      recordCache: config.cacheMaxBytes > 0 ? new RecordCache(config.cacheMaxBytes) : null,
      applicationStateDir: join(config.stateDir, config.applicationId),
      resolveTopic: topicResolver(config.applicationId, builder),
      wallClockMs: Date.now,
      logger: this.logger,
      refusedOutputs: this.refused,
      globalStores,
    };
    this.taskManager = new TaskManager(subtopologies, this.taskEnvironment, {
      restoreConsumer: () =>
        transport.consumer({ clientId: `${config.instanceId}-restore`, isolationLevel: 'read_committed' }),
      endOffsets: (partitions) =>
        this.retrying('listing changelog end offsets', () => this.consumer.endOffsets(partitions)),
      eos: this.eos,
      restoreListener: () => callbacks.restoreListener(),
      taskTimeoutMs: config.taskTimeoutMs,
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
    this.watchdog = setInterval(() => this.logSlowStep(), SLOW_STEP_LOG_MS);
    this.watchdog.unref();
    this.loop = this.run();
  }

  /** Names the step the loop has been waiting on for longer than SLOW_STEP_LOG_MS. */
  private logSlowStep(): void {
    const waitedMs = Date.now() - this.stepSinceMs;
    if (waitedMs >= SLOW_STEP_LOG_MS)
      this.logger.warn({ step: this.step, waitedMs }, `still ${this.step} (${waitedMs} ms)`);
  }

  /** Marks the step the loop awaits next. */
  private at(step: string): void {
    this.step = step;
    this.stepSinceMs = Date.now();
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
        try {
          this.at('polling');
          const records = await this.consumer.poll(
            this.config.maxPollRecords,
            this.isolateUntil && this.isolatedBusy ? 0 : this.config.pollMs,
          );
          if (records.length) this.taskManager.addRecords(records);
          this.at('processing');
          const now = Date.now();
          if (this.isolateUntil) await this.processIsolated(now);
          else this.process(now);
          this.taskManager.punctuateWallClock(now);
          this.applyBackPressure();
          if (now - this.lastCommitMs >= this.config.commitIntervalMs || this.taskManager.commitRequested()) {
            await this.commit();
          }
          if (now - this.lastLagSampleMs >= LAG_SAMPLE_INTERVAL_MS) {
            this.at('sampling consumer lag');
            await this.sampleLag(now);
          }
        } catch (err) {
          if (err instanceof TaskMigratedError) await this.handleMigration(err);
          else if (err instanceof ClientFatalError && err.client === 'producer')
            await this.handleMigration(err);
          else throw err;
        }
        await yieldToEventLoop();
      }
      await this.commit();
      clean = true;
    } catch (err) {
      this.logger.error({ err }, `the stream thread stops: ${(err as Error).message}`);
      throw err;
    } finally {
      await this.shutdown(clean);
    }
  }

  private process(now: number): void {
    const started = performance.now();
    if (this.taskManager.process(this.config.maxPollRecords, now) > 0) {
      this.metrics.processBatchSeconds.observe((performance.now() - started) / 1000);
    }
  }

  /**
   * One record at a time, each followed by a flush: a refused output is then known to come from
   * that record, for at most commitIntervalMs before the loop commits. Under at_least_once its
   * production handler runs at once; under exactly_once_v2 the transaction is aborted and redone,
   * and the record's task hands the refused output to the handler instead of sending it.
   */
  private async processIsolated(now: number): Promise<void> {
    this.isolatedBusy = false;
    // Back to the loop for a commit once commitIntervalMs has passed: one record per flush is slow, and
    // a transaction kept open past transaction.timeout.ms is aborted by the broker (fencing this producer).
    const until = Date.now() + this.config.commitIntervalMs;
    for (let i = 0; i < this.config.maxPollRecords && Date.now() < until; i++) {
      const task = this.taskManager.processOne(now);
      if (!task) break;
      this.isolatedBusy = true;
      let failures = await this.producer.flush();
      // Under at_least_once the handler runs now; what it wrote (a dead-letter record) is checked too.
      const first = failures;
      for (let round = 0; failures.length > 0; round++) {
        if (round === 2) throw this.unhandledRefusal(task.lastProcessed, failures[0]!);
        this.traceRefusals(task, failures, first);
        failures = await this.producer.flush();
      }
      if (this.isolationDone()) {
        this.logger.info({}, 'every refused record was traced to its input; processing in batches again');
        this.isolateUntil = null;
        return;
      }
    }
  }

  /**
   * `first` are the refusals that started it: when the dead-letter topic then refuses the record
   * the handler wrote, the handler runs again for those (and writes a reference to the input).
   */
  private traceRefusals(
    task: StreamTask,
    failures: readonly DeliveryFailure[],
    first: readonly DeliveryFailure[],
  ): void {
    const input = task.lastProcessed;
    // Not the record's fault (a timeout, the producer fenced): redo the work, nothing to hand to a handler.
    if (failures.some((f) => isClientFailure(f.error))) throw this.deliveryFailed(failures);
    const changelog = failures.find((f) => this.changelogTopics.has(f.topic));
    // A store and its changelog must not diverge: no handler can skip a changelog record.
    if (changelog || !input) throw this.unhandledRefusal(input, changelog ?? failures[0]!);
    for (const f of failures) {
      this.metrics.refusedRecords.inc({ topic: f.topic });
      this.refused.add(input, f.topic, f.error);
    }
    this.logger.warn(
      {
        record: { topic: input.topic, partition: input.partition, offset: input.offset },
        refused: failures.map((f) => f.topic),
        err: failures[0]!.error,
      },
      `the cluster refused output of the record at ${input.topic}-${input.partition} offset ${input.offset}; it goes to the production handler (${this.config.errorHandling.production})`,
    );
    if (this.eos)
      throw new TaskMigratedError('an output was refused; aborting to redo the transaction without it');
    const deadLetters = this.config.errorHandling.deadLetterQueueTopic;
    task.handleRefusedOutputs(input, failures.every((f) => f.topic === deadLetters) ? first : failures);
  }

  private unhandledRefusal(input: ConsumerRecord | null, f: DeliveryFailure): StreamsError {
    return new StreamsError(
      `the cluster refused a record for ${f.topic}-${f.partition}${input ? ` (from the input at ${input.topic}-${input.partition} offset ${input.offset})` : ''}, and no handler can skip it: ${f.error.message}`,
      { cause: f.error },
    );
  }

  /** Whether every partition still owned has been processed past its isolation range. */
  private isolationDone(): boolean {
    for (const [key, until] of this.isolateUntil ?? []) {
      const task = this.taskManager.taskOf(key);
      if (!task) continue;
      const topic = key.slice(0, key.lastIndexOf('\0'));
      const next =
        // Not the consumer's position: that counts records fetched but still buffered in the task.
        task.consumedOffsets().get(topic) ?? this.rewoundTo.get(key) ?? 0;
      if (next < until) return false;
    }
    return true;
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

  /** Stores flushed, producer flushed (every record acknowledged), then offsets (or the transaction) committed. */
  private async commit(): Promise<void> {
    const started = performance.now();
    const offsets = this.taskManager.prepareCommit();
    this.at('flushing the producer to commit');
    const failures = await this.producer.flush();
    if (failures.length) throw this.deliveryFailed(failures);
    if (this.eos) {
      // A transaction is always open under EOS (librdkafka's begin is asynchronous, sends are not).
      if (offsets.length) {
        this.at('sending offsets to the transaction');
        await this.retrying('sending offsets to the transaction', () =>
          this.producer.sendOffsetsToTransaction(offsets, this.consumer.groupMetadata()),
        );
      }
      this.at('committing the transaction');
      await this.retrying('committing the transaction', () => this.producer.commitTransaction());
      this.transactionOpen = false;
      this.at('beginning a transaction');
      await this.beginTransaction();
    } else if (offsets.length) {
      this.at('committing offsets');
      await this.retrying('committing offsets', () => this.consumer.commit(offsets)).catch((cause: Error) => {
        if (cause instanceof TaskMigratedError) throw cause;
        // Not committed: redo from the last commit (duplicates under at_least_once, nothing lost).
        throw new TaskMigratedError(`offset commit failed: ${cause.message}`, { cause });
      });
    }
    this.metrics.commits.inc();
    this.metrics.commitSeconds.observe((performance.now() - started) / 1000);
    this.lastCommitMs = Date.now();
    this.abortingSinceMs = null;
    if (!this.isolateUntil) this.refused.clear();
    await this.taskManager.maybeCheckpoint();
  }

  /**
   * What undelivered records mean: a fatal producer is replaced, a timeout or fencing redoes the
   * work, and only a refusal also traces each refused record to its input.
   */
  private deliveryFailed(failures: readonly DeliveryFailure[]): StreamsError {
    const fatal = failures.find((f) => f.error instanceof ClientFatalError);
    if (fatal) return fatal.error;
    const clientFailure = failures.find((f) => isClientFailure(f.error));
    const first = clientFailure ?? failures[0]!;
    const summary = `${failures.length} record(s) could not be delivered, e.g. to ${first.topic}-${first.partition}: ${first.error.message}`;
    return clientFailure
      ? new TaskMigratedError(summary, { cause: first.error })
      : new RecordsRefusedError(summary, { cause: first.error });
  }

  /**
   * The first producer's transactional id is `<applicationId>-<instanceId>`, so a restarted instance
   * fences its predecessor's open transaction at once. A replacement takes a new id (`-1`, `-2`, ...):
   * after a broker bounce a transactional id can be left in a state where every new producer of it
   * is refused for an old epoch (seen against Kafka 4.1 with librdkafka); a new id starts clean.
   * Zombies stay fenced by the consumer group generation their offsets are committed with (EOS v2).
   */
  private newProducer(): ProducerPort {
    const base = `${this.config.applicationId}-${this.config.instanceId}`;
    const generation = this.producerGeneration++;
    return this.transport.producer({
      clientId: `${this.config.instanceId}-producer`,
      transactionalId: this.eos ? (generation === 0 ? base : `${base}-${generation}`) : undefined,
    });
  }

  private async readyProducer(): Promise<void> {
    await this.producer.connect();
    if (this.eos) {
      await this.retrying('initializing transactions', () => this.producer.initTransactions());
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
    await this.producer
      .abortTransaction()
      .catch((err: Error) =>
        this.logger.warn({ err }, 'aborting the transaction failed; the producer is replaced'),
      );
  }

  /**
   * The open work cannot be committed (fenced, a transaction to abort, refused records, a fatal
   * producer): drop all tasks without committing, abort the transaction, and rebuild the tasks of
   * the partitions still owned from the committed changelogs and offsets, so the work since the last
   * commit is redone. Under exactly-once, and whenever the producer failed, it is replaced: a
   * fenced or fatal librdkafka producer is unusable. Work that keeps failing for taskTimeoutMs
   * without a commit in between is fatal.
   */
  private async handleMigration(failure: StreamsError): Promise<void> {
    const now = Date.now();
    // A transaction fails as a whole when one of its records is refused; its failures say whether one was.
    this.at('flushing the producer before aborting');
    const failures =
      this.eos && !(failure instanceof ClientFatalError)
        ? await this.producer.flush(ABANDON_AFTER_MS).catch(() => [])
        : [];
    const cause =
      failures.length && !(failure instanceof RecordsRefusedError) ? this.deliveryFailed(failures) : failure;
    this.abortingSinceMs ??= now;
    this.metrics.aborts.inc({ cause: cause.name });
    this.logger.warn(
      { err: cause },
      `giving up the work since the last commit and redoing it: ${cause.message}`,
    );
    if (now - this.abortingSinceMs > this.config.taskTimeoutMs) {
      throw new StreamsError(
        `no commit succeeded for ${now - this.abortingSinceMs} ms (taskTimeoutMs ${this.config.taskTimeoutMs}); the last cause: ${cause.message}`,
        { cause },
      );
    }
    const owned = [...this.taskManager.tasks.values()].flatMap((t) =>
      t.inputTopics().map((topic) => ({ topic, partition: t.id.partition })),
    );
    if (cause instanceof RecordsRefusedError) this.isolateUntil = this.consumedPositions();
    await this.taskManager.closeAll(false);
    if (this.paused.size) {
      this.consumer.resume(owned.filter((tp) => this.paused.has(tpKey(tp))));
      this.paused.clear();
    }
    if (this.eos || cause instanceof ClientFatalError) {
      this.at('aborting the transaction');
      await this.abortTransaction();
      await this.closeOrAbandon(this.producer);
      this.producer = this.newProducer();
      this.at('starting a new producer');
      await this.readyProducer();
    }
    if (owned.length > 0) {
      this.at('reading committed offsets');
      const committed = await this.retrying('reading committed offsets', () =>
        this.consumer.committed(owned),
      );
      for (const c of committed) {
        const position = { ...c, offset: Math.max(c.offset, 0) };
        this.rewoundTo.set(tpKey(c), position.offset);
        await this.retrying(`seeking ${c.topic}-${c.partition}`, () => this.consumer.seek(position));
      }
      this.at('rebuilding the tasks');
      await this.taskManager.createTasks(this.taskManager.taskIdsFor(owned));
    }
    this.metrics.activeTasks.set(this.taskManager.tasks.size);
    this.logger.info(
      { tasks: this.taskManager.tasks.size },
      'the work since the last commit is being redone',
    );
  }

  /** The next offset to process of every input partition, merged with an isolation range already running. */
  private consumedPositions(): Map<string, number> {
    const until = new Map(this.isolateUntil ?? []);
    for (const task of this.taskManager.tasks.values()) {
      for (const [topic, next] of task.consumedOffsets()) {
        const key = tpKey({ topic, partition: task.id.partition });
        until.set(key, Math.max(until.get(key) ?? 0, next));
      }
    }
    return until;
  }

  private async onRevoked(partitions: readonly TopicPartition[]): Promise<void> {
    this.at('committing before giving up partitions');
    this.callbacks.onRebalancing();
    let committed = true;
    try {
      await this.commit();
    } catch (err) {
      if (!(err instanceof TaskMigratedError) && !(err instanceof ClientFatalError)) throw err;
      // The work since the last commit is lost to us; the next owner redoes it from the committed offsets.
      this.logger.warn(
        { err },
        'the commit before giving up partitions failed; their next owner redoes the work',
      );
      committed = false;
      await this.abortTransaction();
      if (this.eos) await this.beginTransaction().catch(() => {});
    }
    await this.taskManager.closeTasks(this.taskManager.taskIdsFor(partitions), committed);
    for (const tp of partitions) this.paused.delete(tpKey(tp));
    this.metrics.activeTasks.set(this.taskManager.tasks.size);
  }

  private async onAssigned(partitions: readonly TopicPartition[]): Promise<void> {
    this.at('creating and restoring the assigned tasks');
    this.metrics.rebalances.inc();
    this.logger.info(
      { partitions: partitions.map((p) => `${p.topic}-${p.partition}`) },
      `assigned ${partitions.length} partition(s)`,
    );
    const ids = this.taskManager.taskIdsFor(partitions);
    await this.callbacks.beforeCreatingTasks(ids);
    await this.taskManager.createTasks(ids);
    this.metrics.activeTasks.set(this.taskManager.tasks.size);
    await this.callbacks.onAssigned([...this.taskManager.tasks.values()]);
  }

  /** Consumer lag per input partition: end offset minus the next offset to process. */
  private async sampleLag(now: number): Promise<void> {
    this.lastLagSampleMs = now;
    const positions: TopicPartitionOffset[] = [];
    for (const task of this.taskManager.tasks.values()) {
      for (const topic of task.inputTopics()) {
        const tp = { topic, partition: task.id.partition };
        positions.push({ ...tp, offset: task.consumedOffsets().get(topic) ?? this.consumer.position(tp) });
      }
    }
    if (positions.length === 0) return;
    // A sample that fails (a broker down) is skipped: the gauge keeps its last values.
    const ends = await this.consumer.endOffsets(positions).catch(() => null);
    if (!ends) return;
    this.metrics.consumerLag.reset();
    ends.forEach((end, i) => {
      const lag = Math.max(0, end.offset - positions[i]!.offset);
      this.metrics.consumerLag.set({ topic: end.topic, partition: String(end.partition) }, lag);
    });
  }

  /**
   * A fenced or failed librdkafka producer can take long to close, or never finish (seen after a
   * broker bounce: the whole thread then waited silently). It is unusable either way: past
   * ABANDON_AFTER_MS it is left behind, and said so.
   */
  private async closeOrAbandon(producer: ProducerPort): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const abandoned = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), ABANDON_AFTER_MS);
    });
    const closed = producer.close().then(
      () => false,
      () => false,
    );
    if (await Promise.race([closed, abandoned]))
      this.logger.warn({}, `the replaced producer did not close within ${ABANDON_AFTER_MS} ms; left behind`);
    clearTimeout(timer);
  }

  private retrying<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetries(what, fn, { timeoutMs: this.config.taskTimeoutMs, logger: this.logger });
  }

  /** Clean: after the final commit, so persistent stores checkpoint; otherwise nothing is checkpointed. */
  private async shutdown(clean: boolean): Promise<void> {
    this.at('shutting down');
    await this.taskManager.closeAll(clean).catch(() => this.taskManager.closeAll(false));
    this.metrics.activeTasks.set(0);
    await this.abortTransaction();
    await this.consumer.close();
    await this.producer.close();
    if (this.watchdog) clearInterval(this.watchdog);
  }
}
