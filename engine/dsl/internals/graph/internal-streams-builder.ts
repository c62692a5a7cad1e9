import type { InternalTopologyBuilder } from '../../../topology/internals/internal-topology-builder.js';
import type { GraphNode } from './graph-node.js';

/**
 * The DSL's logical graph and its names (Kafka Streams' InternalStreamsBuilder). Operations add
 * nodes in the order they are declared, which is topological (a node's parents come first);
 * `writeTo` writes the nodes not yet written into the physical topology.
 */
export class InternalStreamsBuilder {
  private readonly nodes: GraphNode[] = [];
  private index = 0;

  add<N extends GraphNode>(node: N): N {
    this.nodes.push(node);
    return node;
  }

  /** Kafka Streams' generated names: PREFIX-0000000007, one counter for nodes and stores. */
  newProcessorName(prefix: string): string {
    return `${prefix}-${String(this.index++).padStart(10, '0')}`;
  }

  newStoreName(prefix: string): string {
    return this.newProcessorName(`${prefix}-STATE-STORE`);
  }

  /**
   * The user's name, or a generated one. A generated number is used up either way, as in Kafka
   * Streams, so naming one operation does not renumber the others (and their internal topics).
   */
  processorName(name: string | undefined, prefix: string): string {
    const generated = this.newProcessorName(prefix);
    return name ?? generated;
  }

  /** `<name><suffix>` for a user's name, else a generated one (the counter advances either way). */
  suffixedName(name: string | undefined, suffix: string, prefix: string): string {
    const generated = this.newProcessorName(prefix);
    return name === undefined ? generated : name + suffix;
  }

  writeTo(builder: InternalTopologyBuilder): void {
    for (const node of this.nodes) node.writeOnce(builder);
  }
}
