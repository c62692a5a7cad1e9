import { defaultLogger, type Logger } from '../logger.js';
import { type ClientSettings, checkClientSettings } from '../transport/client-settings.js';
import { transportFor } from './internals/transport-for.js';

/** A topic to create: its name, partition count, and configs (`cleanup.policy`, `retention.ms`…). */
export interface TopicDefinition {
  readonly name: string;
  readonly partitions: number;
  /** The broker's default when left out (always 1 on the embedded log). */
  readonly replicationFactor?: number;
  readonly config?: Readonly<Record<string, string>>;
}

/**
 * Creates an application's own topics (its inputs and outputs), on Kafka or on the embedded log;
 * topics that exist are left as they are. The internal topics (changelogs, repartitions) an
 * instance creates itself at start.
 */
export async function createTopics(
  bootstrapServers: string,
  topics: readonly TopicDefinition[],
  options: { readonly kafka?: ClientSettings; readonly logger?: Logger } = {},
): Promise<void> {
  const admin = transportFor(bootstrapServers, {
    settings: checkClientSettings(options.kafka),
    flushTimeoutMs: 60_000,
    logger: options.logger ?? defaultLogger(),
    // The admin client is the same on both data planes.
    dataPlane: 'per-message',
  }).admin();
  try {
    await admin.createTopics(
      topics.map((t) => ({
        name: t.name,
        partitions: t.partitions,
        replicationFactor: t.replicationFactor ?? -1,
        config: t.config ?? {},
      })),
    );
  } finally {
    await admin.close();
  }
}
