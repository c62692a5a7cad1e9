import { ConfigError } from '../../errors.js';
import type { Serde, SerdeUse } from '../../serdes/serde.js';
import type { InternalTopologyBuilder } from '../../topology/internals/internal-topology-builder.js';
import type { SinkDefinition, SourceDefinition } from '../../topology/internals/node-definitions.js';
import { topicResolver } from './internal-topics.js';

/**
 * Lets every serde of a source or sink fetch what it needs before the first record (a schema
 * registry's ids: `Serde.prepare`), so the per-record path never waits on the network. A refusal
 * (an incompatible schema, a registry that does not answer) rejects start, naming node and topic.
 */
export async function prepareSerdes(
  builder: InternalTopologyBuilder,
  defaults: { readonly defaultKeySerde?: Serde<unknown>; readonly defaultValueSerde?: Serde<unknown> },
  applicationId: string,
): Promise<void> {
  const resolve = topicResolver(applicationId, builder);
  const nodes: (SourceDefinition | SinkDefinition)[] = [];
  for (const node of builder.nodes.values()) if (node.kind !== 'processor') nodes.push(node);
  for (const global of builder.globalStores.values()) nodes.push(global.source);
  const prepared = new Map<Serde<unknown>, Set<string>>();
  for (const node of nodes) {
    // Sinks that choose their topic per record prepare on their first record instead.
    const topics = node.kind === 'source' ? node.topics : typeof node.topic === 'string' ? [node.topic] : [];
    const use: SerdeUse = node.kind === 'source' ? 'read' : 'write';
    for (const serde of [
      node.keySerde ?? defaults.defaultKeySerde,
      node.valueSerde ?? defaults.defaultValueSerde,
    ]) {
      if (!serde?.prepare) continue;
      for (const name of topics) {
        const topic = resolve(name);
        const done = prepared.get(serde) ?? new Set();
        if (done.has(`${use}:${topic}`)) continue;
        try {
          await serde.prepare(topic, use);
        } catch (err) {
          throw new ConfigError(
            `${node.kind} ${node.name} (topic ${topic}): its serde could not be prepared: ${(err as Error).message}`,
          );
        }
        done.add(`${use}:${topic}`);
        prepared.set(serde, done);
      }
    }
  }
}
