import type { InternalTopologyBuilder } from './internals/internal-topology-builder.js';
import type { NodeDefinition } from './internals/node-definitions.js';
import { compileSubtopologies, type SubtopologyDefinition } from './internals/subtopologies.js';

/** A node as `Topology.describe()` shows it (Kafka Streams' TopologyDescription.Node). */
export type TopologyNode =
  | { readonly kind: 'source'; readonly name: string; readonly topics: readonly string[] }
  | {
      readonly kind: 'processor';
      readonly name: string;
      readonly parents: readonly string[];
      readonly stores: readonly string[];
    }
  | {
      readonly kind: 'sink';
      readonly name: string;
      readonly parents: readonly string[];
      /** Null when a TopicNameExtractor picks the topic per record. */
      readonly topic: string | null;
    };

/** A sub-topology as `Topology.describe()` shows it (Kafka Streams' TopologyDescription.Subtopology). */
export interface Subtopology {
  readonly id: number;
  /** In topological order (parents first). */
  readonly nodes: readonly TopologyNode[];
  /** As named in the topology (internal topics without the application-id prefix). */
  readonly sourceTopics: readonly string[];
  readonly stores: readonly string[];
}

/** What `Topology.describe()` returns: printable in Kafka Streams' text format or as Mermaid. */
export class TopologyDescription {
  readonly subtopologies: readonly Subtopology[];
  private readonly definitions: readonly SubtopologyDefinition[];
  private readonly children = new Map<string, string[]>();

  /** @internal */
  constructor(builder: InternalTopologyBuilder) {
    this.definitions = compileSubtopologies(builder);
    this.subtopologies = this.definitions.map((sub) => ({
      id: sub.id,
      nodes: sub.nodes.map(describeNode),
      sourceTopics: sub.sourceTopics,
      stores: sub.stores,
    }));
    for (const node of builder.nodes.values()) {
      if (node.kind === 'source') continue;
      for (const parent of node.parents) {
        const list = this.children.get(parent) ?? [];
        list.push(node.name);
        this.children.set(parent, list);
      }
    }
  }

  /** Kafka Streams' `TopologyDescription.toString()` layout. */
  toString(): string {
    let out = 'Topologies:\n';
    for (const sub of this.definitions) {
      out += `   Sub-topology: ${sub.id}\n`;
      for (const node of sub.nodes) {
        out += `    ${this.header(node)}\n`;
        if (node.kind !== 'sink') out += `      --> ${this.children.get(node.name)?.join(', ') || 'none'}\n`;
        if (node.kind !== 'source') out += `      <-- ${node.parents.join(', ')}\n`;
      }
      out += '\n';
    }
    return out;
  }

  /** A Mermaid flowchart: one subgraph per sub-topology, topics as rounded nodes. */
  toMermaid(): string {
    const id = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');
    const lines = ['flowchart TD'];
    const topics = new Set<string>();
    for (const sub of this.definitions) {
      lines.push(`  subgraph sub${sub.id}["Sub-topology ${sub.id}"]`);
      for (const node of sub.nodes) {
        const label =
          node.kind === 'processor' && node.stores.length
            ? `${node.name}<br/>stores: ${node.stores.join(', ')}`
            : node.name;
        lines.push(`    ${id(node.name)}["${label}"]`);
      }
      lines.push('  end');
      for (const node of sub.nodes) {
        if (node.kind === 'source') {
          for (const topic of node.topics) {
            topics.add(topic);
            lines.push(`  topic_${id(topic)} --> ${id(node.name)}`);
          }
        } else {
          for (const parent of node.parents) lines.push(`  ${id(parent)} --> ${id(node.name)}`);
          if (node.kind === 'sink' && typeof node.topic === 'string') {
            topics.add(node.topic);
            lines.push(`  ${id(node.name)} --> topic_${id(node.topic)}`);
          }
        }
      }
    }
    for (const topic of topics) lines.push(`  topic_${id(topic)}(["${topic}"])`);
    return `${lines.join('\n')}\n`;
  }

  private header(node: NodeDefinition): string {
    switch (node.kind) {
      case 'source':
        return `Source: ${node.name} (topics: [${node.topics.join(', ')}])`;
      case 'processor':
        return `Processor: ${node.name} (stores: [${node.stores.join(', ')}])`;
      case 'sink':
        return typeof node.topic === 'string'
          ? `Sink: ${node.name} (topic: ${node.topic})`
          : `Sink: ${node.name} (extractor class: ${node.topic.name || 'anonymous'})`;
    }
  }
}

function describeNode(node: NodeDefinition): TopologyNode {
  switch (node.kind) {
    case 'source':
      return { kind: 'source', name: node.name, topics: node.topics };
    case 'processor':
      return { kind: 'processor', name: node.name, parents: node.parents, stores: [...node.stores] };
    case 'sink':
      return {
        kind: 'sink',
        name: node.name,
        parents: node.parents,
        topic: typeof node.topic === 'string' ? node.topic : null,
      };
  }
}
