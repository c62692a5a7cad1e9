import { repartitionFilterSupplier } from '../../../processor/internals/stream-processors.js';
import type { StreamPartitioner } from '../../../processor/sink-types.js';
import type { Serde } from '../../../serdes/serde.js';
import type { InternalTopologyBuilder } from '../../../topology/internals/internal-topology-builder.js';
import { GraphNode } from './graph-node.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';

const SUFFIX = '-repartition';

interface RepartitionOptions {
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  readonly partitions?: number;
  readonly partitioner?: StreamPartitioner<unknown, unknown>;
}

/**
 * `[filter(non-null key) →] sink → <prefix>-repartition → source`: records then reach the task of
 * their key's partition. The node is its source (Kafka Streams' repartition nodes).
 */
export class RepartitionNode extends GraphNode {
  private constructor(
    parent: GraphNode,
    private readonly topic: string,
    private readonly sinkName: string,
    private readonly filterName: string | undefined,
    sourceName: string,
    private readonly options: RepartitionOptions,
  ) {
    super(sourceName, [parent], false, true);
  }

  /**
   * A stream's repartition, named as Kafka Streams names it: sink, filter and source take the next
   * three numbers; a user-given prefix names them `<topic>-sink`, `-filter`, `-source` instead.
   */
  static forStream(
    graph: InternalStreamsBuilder,
    parent: GraphNode,
    prefix: string,
    options: RepartitionOptions,
  ): RepartitionNode {
    const topic = prefix.endsWith(SUFFIX) ? prefix : prefix + SUFFIX;
    const sink = graph.newProcessorName('KSTREAM-SINK');
    const filter = graph.newProcessorName('KSTREAM-FILTER');
    const source = graph.newProcessorName('KSTREAM-SOURCE');
    const generated = /^KSTREAM.*-\d{10}$/.test(prefix);
    return generated
      ? new RepartitionNode(parent, topic, sink, filter, source, options)
      : new RepartitionNode(parent, topic, `${topic}-sink`, `${topic}-filter`, `${topic}-source`, options);
  }

  /** KGroupedTable's repartition: a sink and a source, no filter (the select step skips null keys). */
  static forTable(
    parent: GraphNode,
    topicPrefix: string,
    sinkName: string,
    sourceName: string,
    options: RepartitionOptions,
  ): RepartitionNode {
    return new RepartitionNode(parent, topicPrefix + SUFFIX, sinkName, undefined, sourceName, options);
  }

  protected writeTo(builder: InternalTopologyBuilder): void {
    const { keySerde, valueSerde, partitions, partitioner } = this.options;
    let upstream = this.parentNames;
    if (this.filterName) {
      builder.addProcessor(this.filterName, repartitionFilterSupplier(), upstream);
      upstream = [this.filterName];
    }
    builder.addRepartitionTopic(this.topic, partitions);
    builder.addSink(this.sinkName, this.topic, upstream, keySerde, valueSerde, partitioner);
    builder.addSource(this.nodeName, [this.topic], keySerde, valueSerde);
  }
}
