import { repartitionFilterSupplier } from '../../processor/internals/stream-processors.js';
import type { ProcessorSupplier } from '../../processor/processor.js';
import type { StreamPartitioner } from '../../processor/sink-types.js';
import type { Serde } from '../../serdes/serde.js';
import type { InternalTopologyBuilder } from '../../topology/internals/internal-topology-builder.js';

/** What every DSL object knows about its place in the graph. */
export interface StreamNode {
  readonly builder: InternalTopologyBuilder;
  readonly nodeName: string;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  /** Set by key-changing operations: the next grouping or join inserts a repartition topic. */
  readonly repartitionRequired: boolean;
}

export function addProcessorNode(
  parent: StreamNode,
  prefix: string,
  supplier: ProcessorSupplier<never, never, unknown, unknown>,
  name?: string,
): string {
  const nodeName = name ?? parent.builder.newName(prefix);
  parent.builder.addProcessor(nodeName, supplier, [parent.nodeName]);
  return nodeName;
}

/**
 * Inserts `filter(non-null key) → sink → <baseName>-repartition → source` and returns the new
 * source's name: records then reach the task of their key's partition.
 */
export function insertRepartition(
  parent: StreamNode,
  baseName: string,
  keySerde: Serde<unknown> | undefined,
  valueSerde: Serde<unknown> | undefined,
  partitions?: number,
  partitioner?: StreamPartitioner<unknown, unknown>,
): string {
  const { builder } = parent;
  const topic = `${baseName}-repartition`;
  const filterName = addProcessorNode(parent, 'KSTREAM-FILTER', repartitionFilterSupplier());
  const sinkName = builder.newName('KSTREAM-SINK');
  builder.addRepartitionTopic(topic, partitions);
  builder.addSink(sinkName, topic, [filterName], keySerde, valueSerde, partitioner);
  const sourceName = builder.newName('KSTREAM-SOURCE');
  builder.addSource(sourceName, [topic], keySerde, valueSerde);
  return sourceName;
}
