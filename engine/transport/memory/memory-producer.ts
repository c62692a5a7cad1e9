import { randomInt } from 'node:crypto';
import { StreamsError, TaskMigratedError } from '../../errors.js';
import type { Headers } from '../../processor/record.js';
import { partitionForKey } from '../murmur2.js';
import type {
  DeliveryFailure,
  GroupMetadata,
  ProducerConfig,
  ProducerPort,
  TopicPartitionOffset,
} from '../ports.js';
import type { MemoryCluster } from './memory-cluster.js';
import type { MemoryPartition, TransactionMark } from './memory-partition.js';

interface OpenTransaction {
  readonly mark: TransactionMark;
  readonly partitions: Set<MemoryPartition>;
  offsets: { group: GroupMetadata; offsets: readonly TopicPartitionOffset[] } | null;
  /** Set once a record of it was refused: the transaction can only be aborted. */
  failed: string | null;
}

/**
 * A producer to the embedded log. Appends are immediate; a transactional producer's records stay
 * invisible to read_committed readers until commit. `initTransactions` fences older producers with
 * the same transactional id; committing offsets checks the consumer generation (EOS v2 fencing).
 * A record larger than its topic's `max.message.bytes` is refused as a broker refuses it: it is
 * not appended, `flush()` reports it, and a transaction that held it can only be aborted.
 */
export class MemoryProducer implements ProducerPort {
  private epoch = -1;
  private transaction: OpenTransaction | null = null;
  private failures: DeliveryFailure[] = [];

  constructor(
    private readonly cluster: MemoryCluster,
    private readonly config: ProducerConfig,
  ) {}

  send(
    topic: string,
    partition: number | undefined,
    key: Buffer | null,
    value: Buffer | null,
    headers: Headers,
    timestampMs: number,
  ): void {
    const partitions = this.cluster.partitions(topic);
    const p =
      partition ?? (key === null ? randomInt(partitions.length) : partitionForKey(key, partitions.length));
    const target = partitions[p];
    if (!target) throw new Error(`send: topic ${topic} has no partition ${p} (it has ${partitions.length})`);
    const txn = this.config.transactionalId ? this.requireTransaction('send') : null;
    if (txn?.failed)
      throw new TaskMigratedError(`sending to ${topic}: the transaction must be aborted: ${txn.failed}`);
    let bytes = (key?.length ?? 0) + (value?.length ?? 0);
    for (const h of headers) bytes += h.key.length + h.value.length;
    const refusal = this.cluster.refusal(topic, bytes);
    if (refusal) {
      this.failures.push({ topic, partition: p, timestampMs, error: new StreamsError(refusal) });
      if (txn) txn.failed = refusal;
      return;
    }
    if (txn) {
      txn.partitions.add(target);
      target.append(key, value, headers, timestampMs, txn.mark);
    } else {
      target.append(key, value, headers, timestampMs, null);
      this.cluster.notify();
    }
  }

  async connect(): Promise<void> {}

  partitionsFor(topic: string): number {
    return this.cluster.partitions(topic).length;
  }

  async flush(): Promise<readonly DeliveryFailure[]> {
    const failures = this.failures;
    this.failures = [];
    return failures;
  }

  async initTransactions(): Promise<void> {
    this.epoch = this.cluster.bumpProducerEpoch(this.transactionalId('initTransactions'));
  }

  async beginTransaction(): Promise<void> {
    this.checkEpoch('beginTransaction');
    if (this.transaction) throw new Error(`producer ${this.config.clientId}: a transaction is already open`);
    this.transaction = { mark: { status: 'open' }, partitions: new Set(), offsets: null, failed: null };
  }

  async sendOffsetsToTransaction(
    offsets: readonly TopicPartitionOffset[],
    group: GroupMetadata,
  ): Promise<void> {
    this.requireTransaction('sendOffsetsToTransaction').offsets = { group, offsets };
  }

  async commitTransaction(): Promise<void> {
    const txn = this.requireTransaction('commitTransaction');
    if (txn.failed) {
      this.end(txn, 'aborted');
      throw new TaskMigratedError(`commitTransaction: the transaction must be aborted: ${txn.failed}`);
    }
    if (txn.offsets) {
      const { group, offsets } = txn.offsets;
      try {
        this.cluster.group(group.groupId).commit(group.memberId, group.generationId, offsets);
      } catch (cause) {
        this.end(txn, 'aborted');
        throw new TaskMigratedError(`transaction aborted: ${(cause as Error).message}`, { cause });
      }
    }
    this.end(txn, 'committed');
  }

  async abortTransaction(): Promise<void> {
    if (this.transaction) this.end(this.transaction, 'aborted');
    this.failures = [];
  }

  async close(): Promise<void> {
    await this.abortTransaction();
  }

  private end(txn: OpenTransaction, status: 'committed' | 'aborted'): void {
    txn.mark.status = status;
    for (const p of txn.partitions) p.endTransaction(txn.mark);
    this.transaction = null;
    this.cluster.notify();
  }

  private requireTransaction(call: string): OpenTransaction {
    this.checkEpoch(call);
    if (!this.transaction)
      throw new Error(
        `producer ${this.config.clientId}: ${call} needs an open transaction (beginTransaction)`,
      );
    return this.transaction;
  }

  private checkEpoch(call: string): void {
    const id = this.transactionalId(call);
    if (this.epoch < 0)
      throw new Error(`producer ${this.config.clientId}: call initTransactions before ${call}`);
    if (this.cluster.producerEpoch(id) !== this.epoch) {
      if (this.transaction) this.end(this.transaction, 'aborted');
      throw new TaskMigratedError(
        `producer with transactional id ${id} was fenced by a newer instance using the same id`,
      );
    }
  }

  private transactionalId(call: string): string {
    if (!this.config.transactionalId)
      throw new Error(`producer ${this.config.clientId}: ${call} needs a transactionalId`);
    return this.config.transactionalId;
  }
}
