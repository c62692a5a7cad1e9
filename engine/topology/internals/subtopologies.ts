import { TopologyError } from '../topology-error.js';
import type { InternalTopologyBuilder } from './internal-topology-builder.js';
import type { NodeDefinition } from './node-definitions.js';

export interface SubtopologyDefinition {
  readonly id: number;
  /** In the order they were added, which is topological (parents are added first). */
  readonly nodes: readonly NodeDefinition[];
  /** Source topics as named in the builder (internal ones without the application-id prefix). */
  readonly sourceTopics: readonly string[];
  readonly stores: readonly string[];
}

/**
 * Cuts the graph into sub-topologies: a union-find over parent edges and shared stores. A sink and
 * the source that reads its topic are not joined, so each repartition topic splits the graph.
 * Groups are numbered in the order of their first node.
 */
export function compileSubtopologies(builder: InternalTopologyBuilder): SubtopologyDefinition[] {
  const order = [...builder.nodes.keys()];
  const parent = new Map(order.map((name) => [name, name]));
  const find = (name: string): string => {
    let root = name;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(name, root);
    return root;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };

  const storeUsers = new Map<string, string[]>();
  for (const node of builder.nodes.values()) {
    if (node.kind !== 'source') for (const p of node.parents) union(node.name, p);
    if (node.kind === 'processor') {
      for (const store of node.stores) {
        const users = storeUsers.get(store) ?? [];
        users.push(node.name);
        storeUsers.set(store, users);
      }
    }
  }
  for (const users of storeUsers.values()) for (const user of users.slice(1)) union(users[0]!, user);
  for (const store of builder.stores.keys()) {
    if (!storeUsers.has(store)) {
      throw new TopologyError(
        `state store ${store} is not connected to any processor; connect it or remove it`,
      );
    }
  }

  const groups = new Map<string, NodeDefinition[]>();
  for (const name of order) {
    const root = find(name);
    const group = groups.get(root) ?? [];
    group.push(builder.nodes.get(name)!);
    groups.set(root, group);
  }

  return [...groups.values()].map((nodes, id) => {
    const sourceTopics = nodes.flatMap((n) => (n.kind === 'source' ? n.topics : []));
    if (sourceTopics.length === 0) {
      throw new TopologyError(
        `nodes ${nodes.map((n) => n.name).join(', ')} are not reachable from any source`,
      );
    }
    const stores = [...new Set(nodes.flatMap((n) => (n.kind === 'processor' ? n.stores : [])))];
    return { id, nodes, sourceTopics, stores };
  });
}
