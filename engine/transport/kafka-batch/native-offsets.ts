import type { ClientSettingValue } from '../client-settings.js';
import type { OffsetsLister } from '../kafka/end-offsets-reader.js';
import { partitionError, toStreamsError } from '../kafka/kafka-errors.js';
import type { TopicPartition, TopicPartitionOffset } from '../ports.js';
import type { NativeAddon, NativeHandle } from './native-addon.js';
import { settingsList } from './settings-list.js';

const TIMEOUT_MS = 30_000;
/** ListOffsets' spec for the end of a partition (the last stable offset under read_committed). */
const LATEST = -1;
/** librdkafka's __TIMED_OUT: a negative offset without an error is retried. */
const TIMED_OUT = -185;

/**
 * Lists offsets through a client of the addon: the batch data plane needs no other binding, so it
 * also runs in worker threads (the per-message binding cannot be loaded there).
 */
export class NativeOffsetsLister implements OffsetsLister {
  private readonly handle: NativeHandle;

  constructor(
    private readonly native: NativeAddon,
    bootstrapServers: string,
    clientId: string,
    settings: Readonly<Record<string, ClientSettingValue>>,
  ) {
    this.handle = native.create(
      'producer',
      settingsList({
        ...settings,
        'bootstrap.servers': bootstrapServers,
        'client.id': `${clientId}-offsets`,
      }),
    );
  }

  async endOffsets(
    partitions: readonly TopicPartition[],
    readCommitted: boolean,
  ): Promise<TopicPartitionOffset[]> {
    if (partitions.length === 0) return [];
    const doing = 'listing end offsets';
    const asked = partitions.flatMap((p) => [p.topic, p.partition, LATEST]);
    const answer = await this.native
      .listOffsets(this.handle, asked, readCommitted, TIMEOUT_MS)
      .catch((err: Error) => {
        throw toStreamsError(doing, err);
      });
    return answer.map((r) => {
      // A partition without a leader answers with an error and a negative offset: never a value.
      if (r.error || r.offset < 0)
        throw partitionError(
          doing,
          r.topic,
          r.partition,
          r.error ?? { message: `no offset (${r.offset})`, code: TIMED_OUT },
        );
      return { topic: r.topic, partition: r.partition, offset: r.offset };
    });
  }

  close(): Promise<void> {
    return this.native.close(this.handle);
  }
}
