import { RetriableError } from '../../errors.js';
import type { TopicPartition, TopicPartitionOffset } from '../ports.js';

/** A client that lists offsets (an admin client, or the batch addon's offsets client). */
export interface OffsetsLister {
  endOffsets(partitions: readonly TopicPartition[], readCommitted: boolean): Promise<TopicPartitionOffset[]>;
  close(): Promise<void>;
}

/**
 * A consumer's end offsets, from a client of its own: one that shares the consumer's handle
 * shares its metadata too, and after a broker bounce that can hold a stale leader epoch for
 * minutes. A transient failure drops the client, so a retry starts from fresh metadata.
 */
export class EndOffsetsReader {
  private lister: OffsetsLister | null = null;

  constructor(
    private readonly open: () => OffsetsLister,
    private readonly readCommitted: boolean,
  ) {}

  /** The offset after the last readable record: the last stable offset under read_committed. */
  async read(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    this.lister ??= this.open();
    try {
      return await this.lister.endOffsets(partitions, this.readCommitted);
    } catch (err) {
      if (err instanceof RetriableError) await this.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    const lister = this.lister;
    this.lister = null;
    await lister?.close();
  }
}
