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

/** A global store as `Topology.describe()` shows it (Kafka Streams' TopologyDescription.GlobalStore). */
export interface GlobalStore {
  /** Numbered after the sub-topologies (global stores make no tasks). */
  readonly id: number;
  readonly source: TopologyNode;
  readonly processor: TopologyNode;
}

/** What `Topology.describe()` returns: printable in Kafka Streams' text format or as Mermaid. */
export class TopologyDescription {
  readonly subtopologies: readonly Subtopology[];
  readonly globalStores: readonly GlobalStore[];
  private readonly definitions: readonly SubtopologyDefinition[];
  private readonly globals: readonly { id: number; nodes: readonly NodeDefinition[] }[];
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
    this.globals = [...builder.globalStores.values()].map((g, i) => ({
      id: this.definitions.length + i,
      nodes: [g.source, g.processor],
    }));
    this.globalStores = this.globals.map(({ id, nodes: [source, processor] }) => ({
      id,
      source: describeNode(source!),
      processor: describeNode(processor!),
    }));
    for (const node of [...builder.nodes.values(), ...this.globals.flatMap((g) => g.nodes)]) {
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
    const groups = [
      ...this.definitions.map((sub) => ({ title: `Sub-topology: ${sub.id}`, nodes: sub.nodes })),
      ...this.globals.map((g) => ({
        title: `Sub-topology: ${g.id} for global store (will not generate tasks)`,
        nodes: g.nodes,
      })),
    ];
    for (const group of groups) {
      out += `   ${group.title}\n`;
      for (const node of group.nodes) {
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
    const groups = [
      ...this.definitions.map((sub) => ({ id: sub.id, title: `Sub-topology ${sub.id}`, nodes: sub.nodes })),
      ...this.globals.map((g) => ({ id: g.id, title: `Global store ${g.id}`, nodes: g.nodes })),
    ];
    for (const sub of groups) {
      lines.push(`  subgraph sub${sub.id}["${sub.title}"]`);
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
