import { tpKey } from '../../topic-partition.js';
import type { TopicPartition, TopicPartitionOffset } from '../ports.js';

interface Member {
  readonly memberId: string;
  readonly sortKey: string;
  readonly topics: readonly string[];
  /** Set when a rebalance starts; cleared when the member rejoins. */
  needsRejoin: boolean;
  joined: boolean;
  /** The assignment of the current generation, until the member picks it up. */
  pendingAssignment: TopicPartition[] | null;
}

/**
 * A consumer group of the embedded log, with Kafka's eager protocol: a join or leave starts a
 * rebalance; every member revokes everything and rejoins; when all have rejoined, the generation
 * goes up and partitions are placed with the range assignor (partition p of co-partitioned topics
 * lands on the same member). Commits from an older generation are refused (fencing).
 */
export class MemoryGroup {
  generation = 0;
  private readonly members = new Map<string, Member>();
  private readonly offsets = new Map<string, number>();

  constructor(
    readonly groupId: string,
    private readonly partitionCount: (topic: string) => number,
    private readonly wake: () => void,
  ) {}

  join(memberId: string, sortKey: string, topics: readonly string[]): void {
    this.members.set(memberId, {
      memberId,
      sortKey,
      topics,
      needsRejoin: false,
      joined: false,
      pendingAssignment: null,
    });
    this.startRebalance();
  }

  leave(memberId: string): void {
    if (this.members.delete(memberId)) this.startRebalance();
  }

  isMember(memberId: string): boolean {
    return this.members.has(memberId);
  }

  needsRejoin(memberId: string): boolean {
    return this.members.get(memberId)?.needsRejoin ?? false;
  }

  /** The member has revoked its partitions and rejoins; the last one to rejoin completes the round. */
  rejoin(memberId: string): void {
    const member = this.members.get(memberId);
    if (!member) return;
    member.needsRejoin = false;
    member.joined = true;
    if ([...this.members.values()].every((m) => m.joined)) this.completeRebalance();
  }

  takeAssignment(memberId: string): TopicPartition[] | null {
    const member = this.members.get(memberId);
    if (!member?.pendingAssignment) return null;
    const assignment = member.pendingAssignment;
    member.pendingAssignment = null;
    return assignment;
  }

  commit(memberId: string | null, generation: number, offsets: readonly TopicPartitionOffset[]): void {
    if (memberId !== null && (!this.members.has(memberId) || generation !== this.generation)) {
      throw new Error(
        `commit refused for group ${this.groupId}: member ${memberId} of generation ${generation} is not in the current generation ${this.generation}`,
      );
    }
    for (const o of offsets) this.offsets.set(tpKey(o), o.offset);
  }

  committed(tp: TopicPartition): number | undefined {
    return this.offsets.get(tpKey(tp));
  }

  private startRebalance(): void {
    for (const m of this.members.values()) {
      m.needsRejoin = true;
      m.joined = false;
      m.pendingAssignment = null;
    }
    if (this.members.size === 0) this.generation++;
    this.wake();
  }

  private completeRebalance(): void {
    this.generation++;
    const members = [...this.members.values()].sort((a, b) =>
      a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0,
    );
    const assignment = new Map<string, TopicPartition[]>(members.map((m) => [m.memberId, []]));
    const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
    for (const topic of topics) {
      const subscribers = members.filter((m) => m.topics.includes(topic));
      const partitions = this.partitionCount(topic);
      const per = Math.floor(partitions / subscribers.length);
      const extra = partitions % subscribers.length;
      subscribers.forEach((m, i) => {
        const start = i * per + Math.min(i, extra);
        const count = per + (i < extra ? 1 : 0);
        for (let p = start; p < start + count; p++) assignment.get(m.memberId)!.push({ topic, partition: p });
      });
    }
    for (const m of members) m.pendingAssignment = assignment.get(m.memberId)!;
    this.wake();
  }
}
