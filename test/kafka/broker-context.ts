import { randomBytes } from 'node:crypto';
import { describe, inject } from 'vitest';

/** Bootstrap servers of this run's broker ('' only outside CI, when none could be had). */
export const kafkaBootstrap: string = inject('kafkaBootstrap');

/** describe() for tests that need the broker; global-setup fails the run in CI rather than skip. */
export const describeKafka = describe.skipIf(kafkaBootstrap === '');

/** A topic or group name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
