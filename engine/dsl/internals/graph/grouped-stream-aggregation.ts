import type { Serde } from '../../../serdes/serde.js';
import type { Materialized } from '../../materialized.js';
import type { GraphNode } from './graph-node.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';
import { RepartitionNode } from './repartition-node.js';

/**
 * What the aggregations of one grouped stream share (Kafka Streams' GroupedStreamAggregateBuilder):
 * the store names they generate, and the repartition in front of them when the key changed. A
 * grouping named by Grouped has one repartition topic for all its aggregations.
 */
export class GroupedStreamAggregation {
  private namedRepartition: RepartitionNode | undefined;

  constructor(
    readonly graph: InternalStreamsBuilder,
    private readonly stream: GraphNode,
    readonly keySerde: Serde<unknown> | undefined,
    private readonly valueSerde: Serde<unknown> | undefined,
    private readonly groupName: string | undefined,
  ) {}

  storeName(materialized: Materialized<unknown, unknown> | undefined, prefix: string): string {
    return materialized?.storeName ?? this.graph.newStoreName(prefix);
  }

  /** Kafka Streams' count() uses up one more store number when no store is named (kept for compatibility). */
  burnCountStoreName(materialized: Materialized<unknown, unknown> | undefined): void {
    if (materialized?.storeName === undefined) this.graph.newStoreName('KSTREAM-AGGREGATE');
  }

  /** The node an aggregation reads: the stream, or a repartition named after the group or the store. */
  input(storeName: string): GraphNode {
    if (!this.stream.repartitionRequired) return this.stream;
    const repartition = RepartitionNode.forStream(this.graph, this.stream, this.groupName ?? storeName, {
      keySerde: this.keySerde,
      valueSerde: this.valueSerde,
    });
    if (this.groupName === undefined) return this.graph.add(repartition);
    this.namedRepartition ??= this.graph.add(repartition);
    return this.namedRepartition;
  }
}
