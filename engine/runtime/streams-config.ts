import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { defaultLogger, type Logger } from '../logger.js';
import type { TimestampExtractor } from '../processor/timestamp-extractor.js';
import type { Serde } from '../serdes/serde.js';
import { type ClientSettings, checkClientSettings } from '../transport/client-settings.js';
import type { ErrorHandlingConfig } from './internals/record-error-handler.js';
import { type KafkaDataPlane, resolveDataPlane } from './internals/transport-for.js';

/** What a handler does with a record that failed: stop the instance, skip it, or write it to the dead-letter topic. */
export type ErrorHandling = 'fail' | 'continue' | 'dlq';

export type ProcessingGuarantee = 'at_least_once' | 'exactly_once_v2';

/** What happens when a stream thread dies of an error that no handler took (Kafka Streams' names). */
export type UncaughtExceptionResponse = 'shutdown_client' | 'replace_thread';

/** Instance configuration: camelCase versions of Kafka Streams' keys. */
export interface StreamsConfig {
  /** Names the consumer group, internal topics and state; instances of one application share it. */
  applicationId: string;
  /** `host:port,...` for Kafka, or `memory://NAME` for the embedded log shared within this process. */
  bootstrapServers: string;
  processingGuarantee?: ProcessingGuarantee;
  /** How often to commit: default 30000 (at_least_once) or 100 (exactly_once_v2). */
  commitIntervalMs?: number;
  /** How long a task with an empty input partition waits for data before processing anyway (default 0). */
  maxTaskIdleMs?: number;
  /**
   * How long a call that fails for a transient reason (a broker down, a leader moving) is retried
   * with back-off before the failure is fatal (default 300000, Kafka Streams' task.timeout.ms).
   */
  taskTimeoutMs?: number;
  /** Records fetched per poll (default 1000). */
  maxPollRecords?: number;
  /**
   * Bytes of the write-back record cache in front of the DSL's stores (default 10 MiB). Repeated
   * updates to a key between commits collapse into one downstream record and one changelog write;
   * 0 turns caching off, so every update is emitted.
   */
  cacheMaxBytes?: number;
  /** Records buffered per input partition before its fetching pauses (default 1000). */
  bufferedRecordsPerPartition?: number;
  /** How long a poll waits for records (default 100 ms). */
  pollMs?: number;
  defaultKeySerde?: Serde<unknown>;
  defaultValueSerde?: Serde<unknown>;
  /**
   * Event time of records from sources without their own extractor (Consumed.withTimestampExtractor).
   * Default: the record's timestamp, failing on a negative one (FailOnInvalidTimestamp).
   */
  defaultTimestampExtractor?: TimestampExtractor;
  /**
   * Stable identity of this instance. When given, the instance is a static member of the group
   * (`group.instance.id`): its partitions wait for it through a restart, and it does not leave the
   * group on close. When absent, an id is generated and the instance leaves the group on close, so
   * its partitions move at once.
   */
  instanceId?: string;
  /**
   * When the stream thread dies of an error no handler took: 'shutdown_client' (default: the
   * instance goes to ERROR), 'replace_thread' (log it, start a new thread, rejoin the group), or a
   * function of the error that returns one of them.
   */
  uncaughtExceptionHandler?: UncaughtExceptionResponse | ((error: Error) => UncaughtExceptionResponse);
  /**
   * Standby replicas per task with persistent stores (default 0): other instances keep them current
   * from the changelogs, so a task that moves restores only the tail. Each instance needs a stateDir
   * of its own.
   */
  numStandbyReplicas?: number;
  /**
   * Stream threads of this instance (default 1; Kafka Streams' num.stream.threads). Each thread
   * beyond one-thread mode runs in a worker_thread of its own, with its own consumer, producer,
   * tasks, stores and 1/n of cacheMaxBytes; the group spreads the tasks over them. Threads build
   * the topology from a module, so an instance with more than one is made by
   * `KafkaStreams.fromModule`. Needs Kafka on the batch data plane. See docs/operations.md.
   */
  numStreamThreads?: number;
  /** Local state lives in `<stateDir>/<applicationId>/` (default: `<os tmpdir>/rivulet-state`). */
  stateDir?: string;
  /** `host:port` where this instance answers interactive queries; published in the instances topic. */
  applicationServer?: string;
  /** Replication factor of internal topics; -1 (default) takes the broker's default. */
  replicationFactor?: number;
  /** A record whose key or value cannot be deserialized: 'fail' (default), 'continue' (skip, count) or 'dlq'. */
  deserializationExceptionHandler?: ErrorHandling;
  /** A processor (or punctuator) throws while processing a record: 'fail' (default), 'continue' or 'dlq'. */
  processingExceptionHandler?: ErrorHandling;
  /** A sink cannot serialize or send a record, or the broker refuses it: 'fail' (default), 'continue' or 'dlq'. */
  productionExceptionHandler?: ErrorHandling;
  /** The dead-letter topic for 'dlq' handlers; default `<applicationId>-dlq`, created at start if missing. */
  deadLetterQueueTopic?: string;
  /** Where the engine logs: a pino logger or anything of its shape (default: pino, JSON lines on stderr). */
  logger?: Logger;
  /**
   * librdkafka settings passed to the Kafka clients as they are (SASL, SSL, timeouts...), for all
   * clients or per client. Settings the engine relies on (group, offsets, transactions,
   * partitioner) are refused with the config that controls them. See docs/operations.md.
   */
  kafka?: ClientSettings;
  /**
   * How records cross between librdkafka and JavaScript: 'batch' (rivulet's addon, a batch per
   * native call) or 'per-message' (@confluentinc/kafka-javascript, an object per record). Default:
   * the environment's RIVULET_KAFKA_DATA_PLANE, else 'batch' where `npm install` could build it
   * (else 'per-message', with a warning). See docs/operations.md.
   */
  kafkaDataPlane?: KafkaDataPlane;
}

export type { KafkaDataPlane };

type HandlerKeys =
  | 'deserializationExceptionHandler'
  | 'processingExceptionHandler'
  | 'productionExceptionHandler'
  | 'deadLetterQueueTopic';

type Optional =
  | 'defaultKeySerde'
  | 'defaultValueSerde'
  | 'defaultTimestampExtractor'
  | 'applicationServer'
  | 'uncaughtExceptionHandler';

export interface ResolvedStreamsConfig
  extends Required<Omit<StreamsConfig, Optional | HandlerKeys | 'kafka' | 'kafkaDataPlane'>> {
  applicationServer: string | undefined;
  defaultKeySerde: Serde<unknown> | undefined;
  defaultValueSerde: Serde<unknown> | undefined;
  defaultTimestampExtractor: TimestampExtractor | undefined;
  /** Whether `instanceId` was given (static membership) or generated. */
  staticMembership: boolean;
  uncaughtExceptionHandler: (error: Error) => UncaughtExceptionResponse;
  errorHandling: ErrorHandlingConfig;
  kafka: ClientSettings;
  kafkaDataPlane: KafkaDataPlane | 'default';
}

/** Every key StreamsConfig has, so a misspelled one is refused instead of ignored. */
const KNOWN_KEYS: readonly (keyof StreamsConfig)[] = [
  'applicationId',
  'bootstrapServers',
  'processingGuarantee',
  'commitIntervalMs',
  'maxTaskIdleMs',
  'taskTimeoutMs',
  'maxPollRecords',
  'cacheMaxBytes',
  'bufferedRecordsPerPartition',
  'pollMs',
  'defaultKeySerde',
  'defaultValueSerde',
  'defaultTimestampExtractor',
  'instanceId',
  'uncaughtExceptionHandler',
  'numStandbyReplicas',
  'numStreamThreads',
  'stateDir',
  'applicationServer',
  'replicationFactor',
  'deserializationExceptionHandler',
  'processingExceptionHandler',
  'productionExceptionHandler',
  'deadLetterQueueTopic',
  'logger',
  'kafka',
  'kafkaDataPlane',
];

/** The error-handler keys of a config (also used by the TopologyTestDriver), with defaults. */
export function resolveErrorHandling(
  applicationId: string,
  config: Pick<StreamsConfig, HandlerKeys>,
): ErrorHandlingConfig {
  return {
    deserialization:
      oneOf('deserializationExceptionHandler', config.deserializationExceptionHandler, HANDLERS) ?? 'fail',
    processing: oneOf('processingExceptionHandler', config.processingExceptionHandler, HANDLERS) ?? 'fail',
    production: oneOf('productionExceptionHandler', config.productionExceptionHandler, HANDLERS) ?? 'fail',
    deadLetterQueueTopic: text('deadLetterQueueTopic', config.deadLetterQueueTopic) ?? `${applicationId}-dlq`,
  };
}

const HANDLERS = ['fail', 'continue', 'dlq'] as const;

/** Fills in defaults and rejects bad values with a message naming the key, what it got and what is allowed. */
export function resolveConfig(config: StreamsConfig): ResolvedStreamsConfig {
  checkKnownKeys(config as unknown as Record<string, unknown>, KNOWN_KEYS, 'config');
  const applicationId = text('applicationId', config.applicationId);
  if (!applicationId || !/^[a-zA-Z0-9._-]+$/.test(applicationId)) {
    throw new ConfigError(
      `config applicationId: ${describe(config.applicationId)} must be non-empty and use only letters, digits, '.', '_' and '-'`,
    );
  }
  const bootstrapServers = text('bootstrapServers', config.bootstrapServers);
  if (!bootstrapServers)
    throw new ConfigError("config bootstrapServers: is required: 'host:port[,host:port]' or 'memory://NAME'");
  const guarantee =
    oneOf('processingGuarantee', config.processingGuarantee, ['at_least_once', 'exactly_once_v2'] as const) ??
    'at_least_once';
  const handler = config.uncaughtExceptionHandler;
  let uncaughtExceptionHandler: (error: Error) => UncaughtExceptionResponse;
  if (typeof handler === 'function') uncaughtExceptionHandler = handler;
  else {
    const policy =
      oneOf('uncaughtExceptionHandler', handler, ['shutdown_client', 'replace_thread'] as const) ??
      'shutdown_client';
    uncaughtExceptionHandler = () => policy;
  }
  const logger = config.logger ?? defaultLogger();
  if (typeof logger.warn !== 'function' || typeof logger.child !== 'function')
    throw new ConfigError("config logger: needs pino's methods (error, warn, info, debug, child)");
  return {
    applicationId,
    bootstrapServers,
    processingGuarantee: guarantee,
    commitIntervalMs: number(
      'commitIntervalMs',
      config.commitIntervalMs ?? (guarantee === 'exactly_once_v2' ? 100 : 30_000),
    ),
    maxTaskIdleMs: number('maxTaskIdleMs', config.maxTaskIdleMs ?? 0, -1),
    taskTimeoutMs: number('taskTimeoutMs', config.taskTimeoutMs ?? 300_000),
    maxPollRecords: number('maxPollRecords', config.maxPollRecords ?? 1000, 1),
    pollMs: number('pollMs', config.pollMs ?? 100),
    cacheMaxBytes: number('cacheMaxBytes', config.cacheMaxBytes ?? 10 * 1024 * 1024),
    numStandbyReplicas: number('numStandbyReplicas', config.numStandbyReplicas ?? 0),
    numStreamThreads: integer('numStreamThreads', config.numStreamThreads ?? 1, 1),
    bufferedRecordsPerPartition: number(
      'bufferedRecordsPerPartition',
      config.bufferedRecordsPerPartition ?? 1000,
      1,
    ),
    defaultKeySerde: serde('defaultKeySerde', config.defaultKeySerde),
    defaultValueSerde: serde('defaultValueSerde', config.defaultValueSerde),
    defaultTimestampExtractor: timestampExtractor(config.defaultTimestampExtractor),
    instanceId:
      text('instanceId', config.instanceId) ??
      `${applicationId}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    staticMembership: config.instanceId !== undefined,
    replicationFactor: number('replicationFactor', config.replicationFactor ?? -1, -1),
    applicationServer: text('applicationServer', config.applicationServer),
    stateDir: text('stateDir', config.stateDir) ?? join(tmpdir(), 'rivulet-state'),
    uncaughtExceptionHandler,
    errorHandling: resolveErrorHandling(applicationId, config),
    logger,
    kafka: checkClientSettings(config.kafka),
    kafkaDataPlane: resolveDataPlane(config.kafkaDataPlane),
  };
}

/** Refuses keys that are not in `known`, suggesting the nearest known one. */
export function checkKnownKeys(
  given: Readonly<Record<string, unknown>>,
  known: readonly string[],
  where: string,
): void {
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    const nearest = nearestName(key, known);
    throw new ConfigError(
      `${where}: unknown key '${key}'${nearest ? `; did you mean '${nearest}'?` : ''} (known keys: ${known.join(', ')})`,
    );
  }
}

/** The known name closest to `name` (case-insensitive edit distance), if it is close enough to be a typo. */
function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 4)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

/** `'1000' (a string)`: a value with its type, for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value}' (a string)`;
  if (typeof value === 'object') return `${Array.isArray(value) ? 'an array' : 'an object'}`;
  return `${String(value)} (a ${typeof value})`;
}

function number(key: string, value: unknown, min = 0): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min)
    throw new ConfigError(`config ${key}: must be a number >= ${min}, got ${describe(value)}`);
  return value;
}

function integer(key: string, value: unknown, min: number): number {
  if (!Number.isInteger(value) || (value as number) < min)
    throw new ConfigError(`config ${key}: must be a whole number >= ${min}, got ${describe(value)}`);
  return value as number;
}

function text(key: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new ConfigError(`config ${key}: must be a string, got ${describe(value)}`);
  return value;
}

function oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T))
    throw new ConfigError(
      `config ${key}: ${describe(value)} is not one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
    );
  return value as T;
}

function timestampExtractor(value: TimestampExtractor | undefined): TimestampExtractor | undefined {
  if (value === undefined || typeof value?.extract === 'function') return value;
  throw new ConfigError(
    `config defaultTimestampExtractor: must be a TimestampExtractor (with extract(record, partitionTimeMs)), e.g. new LogAndSkipOnInvalidTimestamp(); got ${describe(value)}`,
  );
}

function serde(key: string, value: Serde<unknown> | undefined): Serde<unknown> | undefined {
  if (value === undefined) return undefined;
  if (typeof value?.serialize !== 'function' || typeof value?.deserialize !== 'function')
    throw new ConfigError(
      `config ${key}: must be a Serde (with serialize and deserialize), got ${describe(value)}`,
    );
  return value;
}
