// JSON Schemas of the routes: fastify validates requests with them and @fastify/swagger turns them
// into the OpenAPI document.
import { errorBodySchema } from './http-error.js';

export const storeParams = {
  type: 'object',
  required: ['store'],
  properties: { store: { type: 'string', description: 'the store name' } },
} as const;

export const keyParams = {
  type: 'object',
  required: ['store', 'key'],
  properties: {
    store: { type: 'string', description: 'the store name' },
    key: { type: 'string', description: "the key as text, in its store's key form (GET /stores)" },
  },
} as const;

export const staleQuery = {
  type: 'boolean',
  default: false,
  description: 'also read a standby or restoring copy (its lag in X-Rivulet-Lag)',
} as const;

/** Any JSON value: what a store holds, as JSON (Buffers as base64). */
export const anyValue = { description: 'the value as JSON' } as const;

/** The error answers every route may give. */
export function errors(...codes: number[]): Record<number, typeof errorBodySchema> {
  return Object.fromEntries(codes.map((c) => [c, errorBodySchema]));
}

export const hostSchema = {
  type: 'object',
  required: ['instanceId', 'hostInfo'],
  properties: { instanceId: { type: 'string' }, hostInfo: { type: ['string', 'null'] } },
} as const;

/** An entry of a key-value store as answered: key, value, and the timestamp where the store keeps one. */
export const entrySchema = {
  type: 'object',
  required: ['key', 'value'],
  properties: { key: anyValue, value: anyValue, timestamp: { type: 'integer' } },
} as const;
