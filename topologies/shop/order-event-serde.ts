import { type SchemaRegistryConfig, SchemaRegistrySerdes, type Serde, Serdes } from 'rivulet';
import type { OrderEvent } from './order-events.js';

// The order events as a JSON Schema (draft-07), registered under `order-events-value` when the
// shop runs with a schema registry: every event is validated against it when written, and other
// services find the contract in the registry. It mirrors the types of order-events.ts exactly
// (no other properties), so a change to an event changes this schema, and the registry's
// compatibility rule checks the change.

const line = {
  type: 'object',
  properties: {
    productId: { type: 'string', minLength: 1 },
    quantity: { type: 'integer', minimum: 1 },
    unitPriceCents: { type: 'integer', minimum: 0 },
  },
  required: ['productId', 'quantity', 'unitPriceCents'],
  additionalProperties: false,
};

/** An event of `type`, with the fields every event carries and its own. */
function event(type: string, own: Record<string, object>) {
  return {
    type: 'object',
    properties: {
      type: { const: type },
      schemaVersion: { const: 1 },
      orderId: { type: 'string' },
      version: { type: 'integer', minimum: 0 },
      commandId: { type: 'string' },
      ...own,
    },
    required: ['type', 'schemaVersion', 'orderId', 'version', 'commandId', ...Object.keys(own)],
    additionalProperties: false,
  };
}

export const ORDER_EVENT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'OrderEvent',
  description: 'An event of the shop order aggregate (docs/event-schema.md)',
  type: 'object',
  // Tells validators that know it (OpenAPI, ajv) to check only the branch `type` names.
  discriminator: { propertyName: 'type' },
  required: ['type'],
  oneOf: [
    event('OrderPlaced', {
      customerId: { type: 'string' },
      lines: { type: 'array', items: line, minItems: 1 },
      totalCents: { type: 'integer', minimum: 0 },
    }),
    event('OrderConfirmed', {}),
    event('OrderCancelled', {
      reason: { type: 'string' },
      previousStatus: { enum: ['placed', 'confirmed'] },
    }),
    event('CommandRejected', {
      commandType: { enum: ['PlaceOrder', 'ConfirmOrder', 'CancelOrder'] },
      reason: { enum: ['invalid', 'stale-version', 'unknown-order', 'already-exists', 'already-final'] },
      message: { type: 'string' },
    }),
  ],
};

/**
 * The serde of `order-events`: plain JSON, or, given a schema registry, JSON validated against
 * ORDER_EVENT_SCHEMA in Confluent's wire format (its id from the registry).
 */
export function orderEventSerde(registry?: SchemaRegistryConfig): Serde<OrderEvent> {
  return registry
    ? SchemaRegistrySerdes.jsonSchema<OrderEvent>({ registry, schema: ORDER_EVENT_SCHEMA })
    : Serdes.Json<OrderEvent>();
}
