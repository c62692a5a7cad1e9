import { RetriableError } from '../../errors.js';
import type { ClientSettingValue } from '../client-settings.js';
import type { TopicPartition, TopicPartitionOffset } from '../ports.js';
import { KafkaAdmin } from './admin.js';

/**
 * A consumer's end offsets, from an admin client of its own: one that shares the consumer's handle
 * shares its metadata too, and after a broker bounce that can hold a stale leader epoch for
 * minutes. A transient failure drops the admin client, so a retry starts from fresh metadata.
 */
export class EndOffsetsReader {
  private admin: KafkaAdmin | null = null;

  constructor(
    private readonly bootstrapServers: string,
    private readonly clientId: string,
    private readonly settings: Readonly<Record<string, ClientSettingValue>>,
    private readonly readCommitted: boolean,
  ) {}

  /** The offset after the last readable record: the last stable offset under read_committed. */
  async read(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    this.admin ??= new KafkaAdmin(this.bootstrapServers, `${this.clientId}-admin`, this.settings);
    try {
      return await this.admin.endOffsets(partitions, this.readCommitted);
    } catch (err) {
      if (err instanceof RetriableError) await this.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await admin?.close();
  }
}
