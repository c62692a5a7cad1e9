import type { StateStore } from '../../../../state-stores/state-store.js';
import type { StoreBuilder } from '../../../../state-stores/store-builder.js';
import { sendsOldValues } from '../../../processor/internals/sends-old-values.js';
import type { AnyProcessorSupplier } from '../../../processor/processor.js';
import type { StreamPartitioner, TopicNameExtractor } from '../../../processor/sink-types.js';
import type { TimestampExtractor } from '../../../processor/timestamp-extractor.js';
import type { Serde } from '../../../serdes/serde.js';
import type { InternalTopologyBuilder } from '../../../topology/internals/internal-topology-builder.js';
import { TopologyError } from '../../../topology/topology-error.js';

/**
 * A node of the DSL's logical graph (Kafka Streams' GraphNode): what an operation asked for, written
 * into the physical topology by `StreamsBuilder.build()` once every operation is known — so a table
 * learns only then whether a join or an aggregation needs its store, and which stores a join reads.
 */
export abstract class GraphNode {
  /** True when this node's output may no longer sit in its key's partition (a key changed since the last topic). */
  readonly repartitionRequired: boolean;
  private written = false;

  protected constructor(
    readonly nodeName: string,
    readonly parents: readonly GraphNode[],
    /** Marks an operation that may change the key (map, selectKey, flatMap, process). */
    keyChanging: boolean,
    /** A topic's source: records are partitioned by their key from here on. */
    partitionedByKey: boolean,
  ) {
    this.repartitionRequired =
      keyChanging || (!partitionedByKey && parents.some((p) => p.repartitionRequired));
  }

  writeOnce(builder: InternalTopologyBuilder): void {
    if (this.written) return;
    this.writeTo(builder);
    this.written = true;
  }

  /** A decision about this node that came after it was built into a topology cannot take effect. */
  protected checkNotWritten(what: string): void {
    if (this.written)
      throw new TopologyError(
        `${this.nodeName} was already built into the topology, so ${what}; declare every operation before StreamsBuilder.build()`,
      );
  }

  protected get parentNames(): string[] {
    return this.parents.map((p) => p.nodeName);
  }

  protected abstract writeTo(builder: InternalTopologyBuilder): void;
}

/** builder.stream(): a source over topics. */
export class StreamSourceNode extends GraphNode {
  constructor(
    nodeName: string,
    private readonly topics: readonly string[],
    private readonly keySerde: Serde<unknown> | undefined,
    private readonly valueSerde: Serde<unknown> | undefined,
    private readonly timestampExtractor?: TimestampExtractor,
  ) {
    super(nodeName, [], false, true);
  }

  protected writeTo(builder: InternalTopologyBuilder): void {
    builder.addSource(this.nodeName, this.topics, this.keySerde, this.valueSerde, this.timestampExtractor);
  }
}

export interface ProcessorNodeOptions {
  readonly keyChanging?: boolean;
  /** Stores the processor reads or writes, added elsewhere (a join's table stores, process()'s names). */
  readonly storeNames?: readonly string[];
  /** Stores this node brings into the topology. */
  readonly stores?: readonly StoreBuilder<StateStore>[];
  /** The node's sub-topology's source topics must be co-partitioned (joins). */
  readonly copartitioned?: boolean;
}

/** A stateless or stateful processor (Kafka Streams' ProcessorGraphNode / StatefulProcessorNode). */
export class ProcessorNode extends GraphNode {
  constructor(
    nodeName: string,
    parents: readonly GraphNode[],
    private readonly supplier: AnyProcessorSupplier,
    private readonly options: ProcessorNodeOptions = {},
  ) {
    super(nodeName, parents, options.keyChanging ?? false, false);
  }

  /** Tells a table processor's supplier that downstream needs old values (a no-op for others). */
  enableSendingOldValues(): void {
    if (sendsOldValues(this.supplier)) this.supplier.enableSendingOldValues();
  }

  protected writeTo(builder: InternalTopologyBuilder): void {
    builder.addProcessor(this.nodeName, this.supplier, this.parentNames);
    for (const store of this.options.stores ?? []) builder.addStateStore(store, this.nodeName);
    const storeNames = this.options.storeNames ?? [];
    if (storeNames.length) builder.connectProcessorAndStateStores(this.nodeName, ...storeNames);
    if (this.options.copartitioned) builder.markCopartitioned(this.nodeName);
  }
}

/** KStream.to(): a sink to a topic, or to the topic an extractor picks per record. */
export class SinkNode extends GraphNode {
  constructor(
    nodeName: string,
    parent: GraphNode,
    private readonly topic: string | TopicNameExtractor<unknown, unknown>,
    private readonly keySerde: Serde<unknown> | undefined,
    private readonly valueSerde: Serde<unknown> | undefined,
    private readonly partitioner: StreamPartitioner<unknown, unknown> | undefined,
  ) {
    super(nodeName, [parent], false, false);
  }

  protected writeTo(builder: InternalTopologyBuilder): void {
    builder.addSink(
      this.nodeName,
      this.topic,
      this.parentNames,
      this.keySerde,
      this.valueSerde,
      this.partitioner,
    );
  }
}

/** StreamsBuilder.addStateStore(): a store for process() / processValues() to name. */
export class StateStoreNode extends GraphNode {
  constructor(private readonly store: StoreBuilder<StateStore>) {
    super(store.name, [], false, true);
  }

  protected writeTo(builder: InternalTopologyBuilder): void {
    builder.addStateStore(this.store);
  }
}
