import { ConfigError } from '../errors.js';

export type ClientSettingValue = string | number | boolean;

/** librdkafka settings for the Kafka clients: `common` goes to all of them, the others to one kind. */
export interface ClientSettings {
  readonly common?: Readonly<Record<string, ClientSettingValue>>;
  readonly consumer?: Readonly<Record<string, ClientSettingValue>>;
  readonly producer?: Readonly<Record<string, ClientSettingValue>>;
  readonly admin?: Readonly<Record<string, ClientSettingValue>>;
}

/** Settings the engine's guarantees depend on, and the config that controls each instead. */
const PROTECTED: Readonly<Record<string, string>> = {
  'bootstrap.servers': 'bootstrapServers',
  'client.id': 'instanceId',
  'group.id': 'applicationId',
  'group.instance.id': 'instanceId',
  'enable.auto.commit': 'commitIntervalMs (the engine commits)',
  'enable.auto.offset.store': 'commitIntervalMs (the engine commits)',
  'auto.offset.reset': 'the engine (earliest, as Kafka Streams)',
  'isolation.level': 'processingGuarantee',
  'enable.partition.eof': 'the engine (restore needs it)',
  'partition.assignment.strategy': 'the engine (range, for co-partitioning)',
  'transactional.id': 'processingGuarantee',
  'enable.idempotence': 'processingGuarantee',
  partitioner: 'the engine (murmur2_random, as Kafka Streams)',
  rebalance_cb: 'the engine',
  offset_commit_cb: 'the engine',
  dr_cb: 'the engine (delivery errors go to productionExceptionHandler)',
  dr_msg_cb: 'the engine (delivery errors go to productionExceptionHandler)',
  'delivery.report.only.error': 'the engine',
};

const SECTIONS = ['common', 'consumer', 'producer', 'admin'] as const;

/** Checks the passthrough settings: known sections, plain values, nothing the engine relies on. */
export function checkClientSettings(settings: ClientSettings | undefined): ClientSettings {
  if (settings === undefined) return {};
  if (typeof settings !== 'object' || settings === null)
    throw new ConfigError(
      `config kafka: must be an object like { common: { 'security.protocol': 'SASL_SSL' } }`,
    );
  for (const [section, values] of Object.entries(settings)) {
    if (!(SECTIONS as readonly string[]).includes(section))
      throw new ConfigError(`config kafka: unknown section '${section}' (sections: ${SECTIONS.join(', ')})`);
    for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
      const owner = PROTECTED[key];
      if (owner) throw new ConfigError(`config kafka.${section}['${key}']: set by the engine; use ${owner}`);
      if (!['string', 'number', 'boolean'].includes(typeof value))
        throw new ConfigError(`config kafka.${section}['${key}']: must be a string, number or boolean`);
    }
  }
  return settings;
}

/** The settings for one kind of client: the engine's own, then the user's common and per-client ones. */
export function clientSettings(
  settings: ClientSettings,
  kind: 'consumer' | 'producer' | 'admin',
): Record<string, ClientSettingValue> {
  return { ...settings.common, ...settings[kind] };
}
