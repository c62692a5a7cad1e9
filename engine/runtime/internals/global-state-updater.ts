import { CheckpointFile } from '../../../state-stores/checkpoint-file.js';
import type { StateRestoreListener } from '../../../state-stores/restore-listener.js';
import type { StateStore } from '../../../state-stores/state-store.js';
import { StreamsError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { type TopicPartition, type TopicPartitionOffset, tpKey } from '../../topic-partition.js';
import type { ConsumerPort, ConsumerRecord, Transport } from '../../transport/ports.js';
import type { GlobalTask } from './global-task.js';
import { withRetries } from './retry.js';

export interface GlobalUpdaterOptions {
  readonly clientId: string;
  /** exactly_once_v2: global topics are read read_committed, as every input. */
  readonly eos: boolean;
  /** How often the stores are flushed and the checkpoint written. */
  readonly commitIntervalMs: number;
  readonly taskTimeoutMs: number;
  readonly logger: Logger;
  restoreListener(): StateRestoreListener | null;
}

/** Global restores bigger than this are announced in the log, start and end. */
const LOGGED_RESTORE_RECORDS = 10_000;
const POLL_TIMEOUT_MS = 100;

/**
 * Keeps the global stores current (Kafka Streams' GlobalStreamThread): one group-less consumer over
 * every partition of the global topics. `start()` first brings each store up to the topics' end —
 * from its checkpoint when it is persistent and has one, else from an empty store — so no stream
 * record is joined against a partly loaded global table; then a background loop applies new
 * records as they come and writes the checkpoint every commit interval. The topic is the store's
 * changelog: nothing is ever written back.
 */
export class GlobalStateUpdater {
  private readonly consumer: ConsumerPort;
  private readonly checkpoint: CheckpointFile;
  private readonly partitions: TopicPartition[];
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  /** Per partition, the offset after the last record applied: what a checkpoint may vouch for. */
  private readonly applied = new Map<string, number>();
  /** False once an update failed: the stores may hold part of a batch, so no checkpoint is written. */
  private consistent = false;

  constructor(
    private readonly task: GlobalTask,
    partitionCounts: ReadonlyMap<string, number>,
    transport: Transport,
    private readonly options: GlobalUpdaterOptions,
  ) {
    this.consumer = transport.consumer({
      clientId: options.clientId,
      isolationLevel: options.eos ? 'read_committed' : 'read_uncommitted',
    });
    this.checkpoint = new CheckpointFile(task.directory);
    this.partitions = task
      .topics()
      .flatMap((topic) =>
        Array.from({ length: partitionCounts.get(topic) ?? 0 }, (_, partition) => ({ topic, partition })),
      );
  }

  /** Restores every global store up to its topic's end, then keeps it current in the background. */
  async start(): Promise<void> {
    if (this.partitions.length === 0) return;
    const ends = await withRetries(
      'listing the end offsets of the global topics',
      () => this.consumer.endOffsets(this.partitions),
      { timeoutMs: this.options.taskTimeoutMs, logger: this.options.logger },
    );
    const starts = this.restoreStarts();
    for (const [k, offset] of starts) this.applied.set(k, offset);
    this.consumer.assign(this.partitions.map((tp) => ({ ...tp, offset: starts.get(tpKey(tp)) ?? 0 })));
    await this.restore(starts, new Map(ends.map((e) => [tpKey(e), e.offset])));
    this.consistent = true;
    this.writeCheckpoint();
    this.running = true;
    this.loop = this.run().catch((err: Error) => {
      this.consistent = false;
      throw err;
    });
  }

  /** The global stores by name, for stream tasks and queries. */
  get stores(): ReadonlyMap<string, StateStore> {
    return this.task.stores;
  }

  /** Settles when the background loop ends; rejects when a global update failed. */
  get done(): Promise<void> {
    return this.loop;
  }

  async close(): Promise<void> {
    this.running = false;
    await this.loop.catch(() => {});
    try {
      this.writeCheckpoint();
    } finally {
      this.task.close();
      await this.consumer.close();
    }
  }

  /**
   * Where each global partition starts: a persistent store's checkpoint when it covers all of its
   * topic's partitions; otherwise the store is wiped and its topic read from the start.
   */
  private restoreStarts(): Map<string, number> {
    const checkpointed = this.checkpoint.read();
    const starts = new Map<string, number>();
    for (const topic of this.task.topics()) {
      const store = this.task.storeOfTopic(topic);
      const own = this.partitions.filter((tp) => tp.topic === topic);
      const trusted = store.persistent && own.every((tp) => checkpointed.has(tpKey(tp)));
      if (!trusted) store.wipe();
      for (const tp of own) starts.set(tpKey(tp), trusted ? checkpointed.get(tpKey(tp))! : 0);
    }
    return starts;
  }

  private async restore(
    starts: ReadonlyMap<string, number>,
    ends: ReadonlyMap<string, number>,
  ): Promise<void> {
    const listener = this.options.restoreListener();
    const pending = new Map<string, { tp: TopicPartition; end: number; restored: number }>();
    for (const tp of this.partitions) {
      const start = starts.get(tpKey(tp)) ?? 0;
      const end = ends.get(tpKey(tp)) ?? 0;
      if (end <= start) continue;
      pending.set(tpKey(tp), { tp, end, restored: 0 });
      listener?.onRestoreStart?.(tp, this.task.storeOfTopic(tp.topic).name, start, end);
    }
    const total = [...pending.values()].reduce((n, p) => n + p.end - (starts.get(tpKey(p.tp)) ?? 0), 0);
    if (total > LOGGED_RESTORE_RECORDS)
      this.options.logger.info({ records: total }, `restoring up to ${total} records of global topics`);
    let progressAtMs = Date.now();
    let restored = 0;
    while (pending.size > 0) {
      const batch = await this.consumer.poll(10_000, POLL_TIMEOUT_MS);
      const now = Date.now();
      if (batch.length > 0) progressAtMs = now;
      else if (now - progressAtMs > this.options.taskTimeoutMs) {
        const waiting = [...pending.values()].map(
          (p) => `${p.tp.topic}-${p.tp.partition} at ${this.consumer.position(p.tp)} of ${p.end}`,
        );
        throw new StreamsError(
          `restoring the global stores made no progress for ${now - progressAtMs} ms (taskTimeoutMs): ${waiting.join(', ')}`,
        );
      }
      const inBatch = new Map<string, { count: number; last: number }>();
      for (const record of batch) {
        this.apply(record);
        const k = tpKey(record);
        const entry = pending.get(k);
        if (!entry) continue;
        entry.restored++;
        restored++;
        const seen = inBatch.get(k) ?? { count: 0, last: record.offset };
        inBatch.set(k, { count: seen.count + 1, last: record.offset });
      }
      this.task.flush();
      for (const [k, p] of pending) {
        const store = this.task.storeOfTopic(p.tp.topic).name;
        const seen = inBatch.get(k);
        if (seen) listener?.onBatchRestored?.(p.tp, store, seen.last, seen.count);
        if (this.consumer.position(p.tp) >= p.end) {
          pending.delete(k);
          listener?.onRestoreEnd?.(p.tp, store, p.restored);
        }
      }
    }
    if (total > LOGGED_RESTORE_RECORDS)
      this.options.logger.info({ records: restored }, `restored ${restored} records of global topics`);
  }

  private async run(): Promise<void> {
    let checkpointedAtMs = Date.now();
    while (this.running) {
      const batch = await this.consumer.poll(10_000, POLL_TIMEOUT_MS);
      for (const record of batch) this.apply(record);
      if (Date.now() - checkpointedAtMs >= this.options.commitIntervalMs) {
        this.writeCheckpoint();
        checkpointedAtMs = Date.now();
      }
    }
  }

  private apply(record: ConsumerRecord): void {
    this.task.update(record);
    this.applied.set(tpKey(record), record.offset + 1);
  }

  /** Flushes the stores, then checkpoints what the persistent ones hold (nothing after a failed update). */
  private writeCheckpoint(): void {
    if (!this.consistent) return;
    this.task.flush();
    const persistent = this.partitions.filter((tp) => this.task.storeOfTopic(tp.topic).persistent);
    if (persistent.length === 0) return;
    const offsets: TopicPartitionOffset[] = persistent.map((tp) => ({
      ...tp,
      offset: this.applied.get(tpKey(tp)) ?? 0,
    }));
    this.checkpoint.write(offsets);
  }
}
