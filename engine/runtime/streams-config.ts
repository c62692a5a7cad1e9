import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Serde } from '../serdes/serde.js';
import type { ErrorHandling, ErrorHandlingConfig } from './internals/record-error-handler.js';

export type ProcessingGuarantee = 'at_least_once' | 'exactly_once_v2';

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
  /** Stable identity of this instance (static membership); generated when absent. */
  instanceId?: string;
  /**
   * What to do when the stream thread dies of an error no handler took: 'shutdown_client' (default:
   * the instance goes to ERROR) or 'replace_thread' (log it, start a new thread, rejoin the group).
   */
  uncaughtExceptionHandler?: 'shutdown_client' | 'replace_thread';
  /**
   * Standby replicas per task with persistent stores (default 0): other instances keep them current
   * from the changelogs, so a task that moves restores only the tail. Each instance needs a stateDir
   * of its own.
   */
  numStandbyReplicas?: number;
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
  /** A sink cannot serialize or send a record: 'fail' (default), 'continue' or 'dlq'. */
  productionExceptionHandler?: ErrorHandling;
  /** The dead-letter topic for 'dlq' handlers; default `<applicationId>-dlq`, created at start if missing. */
  deadLetterQueueTopic?: string;
}

type HandlerKeys =
  | 'deserializationExceptionHandler'
  | 'processingExceptionHandler'
  | 'productionExceptionHandler'
  | 'deadLetterQueueTopic';

export interface ResolvedStreamsConfig
  extends Required<
    Omit<StreamsConfig, 'defaultKeySerde' | 'defaultValueSerde' | 'applicationServer' | HandlerKeys>
  > {
  applicationServer: string | undefined;
  defaultKeySerde: Serde<unknown> | undefined;
  defaultValueSerde: Serde<unknown> | undefined;
  errorHandling: ErrorHandlingConfig;
}

/** The error-handler keys of a config (also used by the TopologyTestDriver), with defaults. */
export function resolveErrorHandling(
  applicationId: string,
  config: Pick<StreamsConfig, HandlerKeys>,
): ErrorHandlingConfig {
  const choice = (key: HandlerKeys, value: ErrorHandling | undefined): ErrorHandling => {
    if (value === undefined) return 'fail';
    if (value !== 'fail' && value !== 'continue' && value !== 'dlq') {
      throw new Error(`config ${key}: '${value}' is not one of 'fail', 'continue', 'dlq'`);
    }
    return value;
  };
  return {
    deserialization: choice('deserializationExceptionHandler', config.deserializationExceptionHandler),
    processing: choice('processingExceptionHandler', config.processingExceptionHandler),
    production: choice('productionExceptionHandler', config.productionExceptionHandler),
    deadLetterQueueTopic: config.deadLetterQueueTopic ?? `${applicationId}-dlq`,
  };
}

/** Fills in defaults and rejects bad values with a message naming the key and what is allowed. */
export function resolveConfig(config: StreamsConfig): ResolvedStreamsConfig {
  const fail = (key: string, message: string): never => {
    throw new Error(`config ${key}: ${message}`);
  };
  if (!config.applicationId || !/^[a-zA-Z0-9._-]+$/.test(config.applicationId)) {
    fail(
      'applicationId',
      `'${config.applicationId ?? ''}' must be non-empty and use only letters, digits, '.', '_' and '-'`,
    );
  }
  if (!config.bootstrapServers)
    fail('bootstrapServers', "is required: 'host:port[,host:port]' or 'memory://NAME'");
  const guarantee = config.processingGuarantee ?? 'at_least_once';
  if (guarantee !== 'at_least_once' && guarantee !== 'exactly_once_v2') {
    fail('processingGuarantee', `'${guarantee}' is not one of 'at_least_once', 'exactly_once_v2'`);
  }
  const nonNegative = (key: keyof StreamsConfig, value: number, min = 0): number => {
    if (!Number.isFinite(value) || value < min) fail(key, `must be a number >= ${min}, got ${value}`);
    return value;
  };
  return {
    applicationId: config.applicationId,
    bootstrapServers: config.bootstrapServers,
    processingGuarantee: guarantee,
    commitIntervalMs: nonNegative(
      'commitIntervalMs',
      config.commitIntervalMs ?? (guarantee === 'exactly_once_v2' ? 100 : 30_000),
    ),
    maxTaskIdleMs: nonNegative('maxTaskIdleMs', config.maxTaskIdleMs ?? 0, -1),
    maxPollRecords: nonNegative('maxPollRecords', config.maxPollRecords ?? 1000, 1),
    pollMs: nonNegative('pollMs', config.pollMs ?? 100),
    cacheMaxBytes: nonNegative('cacheMaxBytes', config.cacheMaxBytes ?? 10 * 1024 * 1024),
    numStandbyReplicas: nonNegative('numStandbyReplicas', config.numStandbyReplicas ?? 0),
    bufferedRecordsPerPartition: nonNegative(
      'bufferedRecordsPerPartition',
      config.bufferedRecordsPerPartition ?? 1000,
      1,
    ),
    defaultKeySerde: config.defaultKeySerde,
    defaultValueSerde: config.defaultValueSerde,
    instanceId:
      config.instanceId ?? `${config.applicationId}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    replicationFactor: config.replicationFactor ?? -1,
    applicationServer: config.applicationServer,
    stateDir: config.stateDir ?? join(tmpdir(), 'rivulet-state'),
    uncaughtExceptionHandler: (() => {
      const policy = config.uncaughtExceptionHandler ?? 'shutdown_client';
      if (policy !== 'shutdown_client' && policy !== 'replace_thread') {
        fail('uncaughtExceptionHandler', `'${policy}' is not one of 'shutdown_client', 'replace_thread'`);
      }
      return policy;
    })(),
    errorHandling: resolveErrorHandling(config.applicationId, config),
  };
}
