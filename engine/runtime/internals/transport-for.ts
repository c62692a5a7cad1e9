import { StreamsError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ClientSettings } from '../../transport/client-settings.js';
import { KafkaTransport } from '../../transport/kafka/kafka-transport.js';
import { MemoryTransport } from '../../transport/memory/memory-transport.js';
import type { Transport } from '../../transport/ports.js';

/** The transport of `bootstrapServers`: the embedded log for `memory://NAME`, else Kafka. */
export function transportFor(
  bootstrapServers: string,
  options: { readonly settings: ClientSettings; readonly flushTimeoutMs: number; readonly logger: Logger },
): Transport {
  if (bootstrapServers.startsWith('memory://')) {
    const name = bootstrapServers.slice('memory://'.length);
    if (!name) throw new StreamsError("bootstrapServers: 'memory://' needs a name, e.g. 'memory://shop'");
    return new MemoryTransport(name);
  }
  return new KafkaTransport(bootstrapServers, options);
}
