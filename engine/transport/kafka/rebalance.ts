import { tpKey } from '../../topic-partition.js';
import type { RebalanceListener, TopicPartition } from '../ports.js';
import type { PartitionProgress } from './partition-progress.js';

export type RebalanceEvent = { kind: 'assign' | 'revoke'; partitions: TopicPartition[] };

/** The consumer's side of a rebalance: librdkafka waits for these calls after its rebalance callback. */
export interface Assignment {
  assign(partitions: readonly TopicPartition[]): void;
  unassign(): void;
}

/**
 * Runs one rebalance the way Kafka Streams does, on either data plane: the engine commits and
 * closes its tasks before the partitions are given up, and creates (and restores) tasks once they
 * are assigned. `assigned` is what the consumer may return records of.
 */
export async function applyRebalance(
  event: RebalanceEvent,
  listener: RebalanceListener | null,
  consumer: Assignment,
  assigned: Set<string>,
  progress: PartitionProgress,
): Promise<void> {
  if (event.kind === 'revoke') {
    await listener?.onPartitionsRevoked(event.partitions);
    consumer.unassign();
    assigned.clear();
  } else {
    for (const tp of event.partitions) {
      assigned.add(tpKey(tp));
      progress.restart(tp);
    }
    consumer.assign(event.partitions);
    await listener?.onPartitionsAssigned(event.partitions);
  }
}
