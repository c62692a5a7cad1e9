import { ConfigError } from '../../errors.js';
import type { InternalTopologyBuilder } from '../../topology/internals/internal-topology-builder.js';

/**
 * Every source and sink of a user-facing topic needs serdes, its own or the config's defaults
 * (internal topics fall back to the internal serde). Checked before start() resolves, so a
 * missing one is a rejected start naming the node and the topic, not an ERROR later.
 */
export function checkUserFacingSerdes(
  builder: InternalTopologyBuilder,
  defaults: { readonly defaultKeySerde: unknown; readonly defaultValueSerde: unknown },
): void {
  const missing: string[] = [];
  for (const node of builder.nodes.values()) {
    if (node.kind === 'processor') continue;
    const topics = node.kind === 'source' ? node.topics : typeof node.topic === 'string' ? [node.topic] : [];
    const dynamic = node.kind === 'sink' && typeof node.topic !== 'string';
    if (!dynamic && topics.every((t) => builder.isInternalTopic(t))) continue;
    const where = dynamic ? 'topics chosen per record' : `topic ${topics.join(', ')}`;
    const fix =
      node.kind === 'source' ? 'Consumed.with(keySerde, valueSerde)' : 'Produced.with(keySerde, valueSerde)';
    for (const [part, serde, fallback, configKey] of [
      ['key', node.keySerde, defaults.defaultKeySerde, 'defaultKeySerde'],
      ['value', node.valueSerde, defaults.defaultValueSerde, 'defaultValueSerde'],
    ] as const) {
      if (serde === undefined && fallback === undefined)
        missing.push(
          `${node.kind} ${node.name} (${where}) has no ${part} serde: pass ${fix} or set ${configKey} in the config`,
        );
    }
  }
  if (missing.length) throw new ConfigError(missing.join('; '));
}
