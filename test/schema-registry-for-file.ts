import { afterAll, beforeAll } from 'vitest';
import { type RunningRegistry, startSchemaRegistry } from './schema-registry.js';

/**
 * A real schema registry for the test file that calls this (started before its tests, stopped by
 * pid after them); the returned function gives it to the tests.
 */
export function schemaRegistryForFile(): () => RunningRegistry {
  let registry: RunningRegistry | undefined;
  beforeAll(async () => {
    registry = await startSchemaRegistry();
  }, 180_000);
  afterAll(async () => {
    await registry?.stop();
  });
  return () => {
    if (!registry) throw new Error('the schema registry is not started: use it inside a test');
    return registry;
  };
}
