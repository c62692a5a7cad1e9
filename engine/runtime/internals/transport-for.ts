import { ConfigError, StreamsError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ClientSettings } from '../../transport/client-settings.js';
import { KafkaTransport } from '../../transport/kafka/kafka-transport.js';
import { batchClients } from '../../transport/kafka-batch/batch-clients.js';
import { loadNativeAddon } from '../../transport/kafka-batch/native-addon.js';
import { MemoryTransport } from '../../transport/memory/memory-transport.js';
import type { Transport } from '../../transport/ports.js';

/** How records cross between librdkafka and JavaScript (StreamsConfig.kafkaDataPlane). */
export type KafkaDataPlane = 'batch' | 'per-message';

const DATA_PLANES: readonly KafkaDataPlane[] = ['batch', 'per-message'];

/** The configured data plane, else RIVULET_KAFKA_DATA_PLANE, else 'default' (batch where it is built). */
export function resolveDataPlane(configured: unknown): KafkaDataPlane | 'default' {
  const fromEnvironment = process.env.RIVULET_KAFKA_DATA_PLANE;
  const [where, value] =
    configured !== undefined
      ? ['config kafkaDataPlane', configured]
      : ['environment RIVULET_KAFKA_DATA_PLANE', fromEnvironment || undefined];
  if (value === undefined) return 'default';
  if (!(DATA_PLANES as readonly unknown[]).includes(value))
    throw new ConfigError(`${where}: ${JSON.stringify(value)} is not one of ${DATA_PLANES.join(', ')}`);
  return value as KafkaDataPlane;
}

/** The transport of `bootstrapServers`: the embedded log for `memory://NAME`, else Kafka. */
export function transportFor(
  bootstrapServers: string,
  options: {
    readonly settings: ClientSettings;
    readonly flushTimeoutMs: number;
    readonly logger: Logger;
    readonly dataPlane: KafkaDataPlane | 'default';
  },
): Transport {
  if (bootstrapServers.startsWith('memory://')) {
    const name = bootstrapServers.slice('memory://'.length);
    if (!name) throw new StreamsError("bootstrapServers: 'memory://' needs a name, e.g. 'memory://shop'");
    return new MemoryTransport(name);
  }
  if (options.dataPlane === 'per-message') return new KafkaTransport(bootstrapServers, options);
  const native = loadNativeAddon();
  if (!native && options.dataPlane === 'default') {
    options.logger.warn(
      { dataPlane: 'per-message' },
      "rivulet's batch Kafka addon is not built, so the clients run on the per-message data plane " +
        '(slower); `node engine/transport/kafka-batch/native/build.mjs --strict` shows why it did not build',
    );
    return new KafkaTransport(bootstrapServers, options);
  }
  if (!native)
    throw new ConfigError(
      "kafkaDataPlane 'batch': rivulet's Kafka addon is not built. `npm install` builds it with the C " +
        'compiler against the librdkafka of @confluentinc/kafka-javascript; run ' +
        '`node engine/transport/kafka-batch/native/build.mjs --strict` to see why it did not, ' +
        "or use kafkaDataPlane 'per-message'.",
    );
  return new KafkaTransport(bootstrapServers, options, batchClients(native));
}
