import { describe, expect, it } from 'vitest';
import { ConfigError, type StreamsConfig, type UncaughtExceptionResponse } from '../../index.js';
import { resolveConfig } from '../streams-config.js';

const base = { applicationId: 'app', bootstrapServers: 'memory://config-test' };
const resolve = (extra: Record<string, unknown>) => () =>
  resolveConfig({ ...base, ...extra } as StreamsConfig);

describe('config checks', () => {
  it('refuses a misspelled key and names the nearest known one', () => {
    expect(resolve({ commitIntervalMS: 100 })).toThrow(
      /config: unknown key 'commitIntervalMS'; did you mean 'commitIntervalMs'\?/,
    );
    expect(resolve({ processingGuarante: 'exactly_once_v2' })).toThrow(
      /did you mean 'processingGuarantee'\?/,
    );
    expect(resolve({ zzz: 1 })).toThrow(/unknown key 'zzz' \(known keys: applicationId, /);
    expect(resolve({ zzz: 1 })).toThrow(ConfigError);
  });

  it('shows what a wrongly typed value was', () => {
    expect(resolve({ commitIntervalMs: '1000' })).toThrow(
      /config commitIntervalMs: must be a number >= 0, got '1000' \(a string\)/,
    );
    expect(resolve({ stateDir: 7 })).toThrow(/config stateDir: must be a string, got 7 \(a number\)/);
    expect(resolve({ defaultKeySerde: {} })).toThrow(/config defaultKeySerde: must be a Serde/);
  });

  it('passes librdkafka settings through and protects the ones the engine relies on', () => {
    const config = resolveConfig({ ...base, kafka: { common: { 'security.protocol': 'SASL_SSL' } } });
    expect(config.kafka.common).toEqual({ 'security.protocol': 'SASL_SSL' });
    expect(resolve({ kafka: { consumer: { 'enable.auto.commit': true } } })).toThrow(
      /config kafka.consumer\['enable.auto.commit'\]: set by the engine; use commitIntervalMs/,
    );
    expect(resolve({ kafka: { producer: { 'transactional.id': 'x' } } })).toThrow(/use processingGuarantee/);
    expect(resolve({ kafka: { brokers: {} } })).toThrow(/unknown section 'brokers'/);
    expect(resolve({ kafka: { common: { 'sasl.username': { a: 1 } } } })).toThrow(
      /must be a string, number or boolean/,
    );
  });

  it('takes the Kafka data plane from the config, else the environment, and names a bad value', () => {
    const saved = process.env.RIVULET_KAFKA_DATA_PLANE;
    try {
      delete process.env.RIVULET_KAFKA_DATA_PLANE;
      expect(resolveConfig(base).kafkaDataPlane).toBe('default');
      expect(resolveConfig({ ...base, kafkaDataPlane: 'per-message' }).kafkaDataPlane).toBe('per-message');
      process.env.RIVULET_KAFKA_DATA_PLANE = 'per-message';
      expect(resolveConfig(base).kafkaDataPlane).toBe('per-message');
      expect(resolveConfig({ ...base, kafkaDataPlane: 'batch' }).kafkaDataPlane).toBe('batch');
      process.env.RIVULET_KAFKA_DATA_PLANE = 'fast';
      expect(resolve({})).toThrow(
        /environment RIVULET_KAFKA_DATA_PLANE: "fast" is not one of batch, per-message/,
      );
      expect(resolve({ kafkaDataPlane: 'batched' })).toThrow(
        /config kafkaDataPlane: "batched" is not one of batch, per-message/,
      );
    } finally {
      if (saved === undefined) delete process.env.RIVULET_KAFKA_DATA_PLANE;
      else process.env.RIVULET_KAFKA_DATA_PLANE = saved;
    }
  });

  it('is a static member only with an instanceId of its own', () => {
    expect(resolveConfig(base).staticMembership).toBe(false);
    expect(resolveConfig({ ...base, instanceId: 'node-1' }).staticMembership).toBe(true);
  });

  it('takes the uncaught-exception policy as a name or a function', () => {
    expect(resolveConfig(base).uncaughtExceptionHandler(new Error('x'))).toBe('shutdown_client');
    const decide = (e: Error): UncaughtExceptionResponse =>
      e.message === 'retry me' ? 'replace_thread' : 'shutdown_client';
    expect(
      resolveConfig({ ...base, uncaughtExceptionHandler: decide }).uncaughtExceptionHandler(
        new Error('retry me'),
      ),
    ).toBe('replace_thread');
    expect(resolve({ uncaughtExceptionHandler: 'restart' })).toThrow(
      /'restart' \(a string\) is not one of 'shutdown_client', 'replace_thread'/,
    );
  });
});
