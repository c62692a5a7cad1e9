import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { RecordProducer } from 'rivulet';
import { HttpError } from 'rivulet/interactive-queries';
import { analyticsRoutes } from './analytics-api.js';
import { dashboardRoutes } from './dashboard-routes.js';
import type { ProductStock } from './inventory-events.js';
import { available, STOCK_STORE } from './inventory-service.js';
import type { OrderCommand, OrderState } from './order-events.js';
import { ORDER_SAGAS_STORE } from './order-saga.js';
import { ORDERS_STORE } from './order-service.js';
import {
  CUSTOMER_ORDERS_STORE,
  type CustomerOrders,
  ORDER_DETAILS_STORE,
  type OrderDetails,
  SAGA_MONITOR_KEY,
  SAGA_MONITOR_STORE,
  type SagaMonitor,
} from './read-models.js';
import { storeReads } from './store-reads.js';
import { type ShopTopics, TOPICS } from './topics.js';

/** The longest a read-your-writes GET waits for the version it asks for. */
const MAX_WAIT_MS = 10_000;
const POLL_MS = 20;

const line = {
  type: 'object',
  required: ['productId', 'quantity', 'unitPriceCents'],
  additionalProperties: false,
  properties: {
    productId: { type: 'string', minLength: 1 },
    quantity: { type: 'integer', minimum: 1 },
    unitPriceCents: { type: 'integer', minimum: 0 },
  },
} as const;
const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1 } },
} as const;

/**
 * The shop's HTTP API, as routes of the query server (so it shares its auth, limits, errors and
 * OpenAPI document): commands go in through the producer, reads come from the stores through the
 * server's own store routes (answered by whichever instance hosts the key). The analytics routes
 * and the live dashboard come with it.
 */
export function shopApi(commands: RecordProducer<string, OrderCommand>, topics: ShopTopics = TOPICS) {
  return (app: FastifyInstance) => {
    analyticsRoutes(app);
    dashboardRoutes(app);
    const read = storeReads(app).key;
    /** Writes a command; one the broker refuses (or that cannot be written) is a 503 naming why, not a 500. */
    const send = async (command: OrderCommand) => {
      commands.send(topics.orderCommands.name, command.orderId, command);
      try {
        await commands.flush();
      } catch (err) {
        throw new HttpError(
          503,
          'command-not-written',
          `the ${command.type} command for order ${command.orderId} was not written: ${(err as Error).message}`,
          { 'retry-after': '1' },
        );
      }
    };

    app.post<{
      Body: {
        customerId: string;
        lines: OrderCommand extends never
          ? never
          : { productId: string; quantity: number; unitPriceCents: number }[];
      };
      Headers: { 'idempotency-key'?: string };
    }>(
      '/orders',
      {
        schema: {
          summary:
            'Place an order: answers its id at once (202); GET /orders/:id?minVersion=2 waits for its outcome',
          tags: ['shop'],
          body: {
            type: 'object',
            required: ['customerId', 'lines'],
            additionalProperties: false,
            properties: {
              customerId: { type: 'string', minLength: 1 },
              lines: { type: 'array', minItems: 1, items: line },
            },
          },
          headers: {
            type: 'object',
            properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200 } },
          },
          response: {
            202: {
              type: 'object',
              properties: { orderId: { type: 'string' }, commandId: { type: 'string' } },
            },
          },
        },
      },
      async (request, reply) => {
        // The idempotency key makes a retried POST the same order (and the same command).
        const key = request.headers['idempotency-key'];
        const id = key ? `order-${key}` : `order-${randomUUID()}`;
        const commandId = key ?? randomUUID();
        await send({
          schemaVersion: 1,
          type: 'PlaceOrder',
          commandId,
          orderId: id,
          customerId: request.body.customerId,
          lines: request.body.lines,
        });
        return reply.code(202).send({ orderId: id, commandId });
      },
    );

    app.get<{ Params: { id: string }; Querystring: { minVersion?: number; waitMs?: number } }>(
      '/orders/:id',
      {
        schema: {
          summary:
            'An order; with ?minVersion=N, waits (up to waitMs, 10 s at most) until it has that version: read your writes',
          tags: ['shop'],
          params: idParam,
          querystring: {
            type: 'object',
            properties: {
              minVersion: { type: 'integer', minimum: 0 },
              waitMs: { type: 'integer', minimum: 0, maximum: MAX_WAIT_MS, default: 5_000 },
            },
          },
        },
      },
      async (request) => {
        const { minVersion = 0, waitMs = 5_000 } = request.query;
        const deadline = Date.now() + waitMs;
        for (;;) {
          const order = await read<OrderState>(ORDERS_STORE, request.params.id);
          if (order && order.version >= minVersion) return order;
          if (Date.now() >= deadline) {
            if (!order && minVersion === 0)
              throw new HttpError(404, 'unknown-order', `no order ${request.params.id}`);
            throw new HttpError(
              504,
              'version-not-reached',
              `order ${request.params.id} is at version ${order?.version ?? 0}, not yet ${minVersion}, after ${waitMs} ms`,
            );
          }
          await new Promise((r) => setTimeout(r, POLL_MS));
        }
      },
    );

    app.get<{ Params: { id: string } }>(
      '/orders/:id/details',
      {
        schema: {
          summary:
            'An order as the read model joins it: lines, status history, inventory and payment outcome',
          tags: ['shop'],
          params: idParam,
        },
      },
      async (request) => {
        const details = await read<OrderDetails>(ORDER_DETAILS_STORE, request.params.id);
        if (!details) throw new HttpError(404, 'unknown-order', `no order ${request.params.id}`);
        return details;
      },
    );

    app.get<{ Params: { id: string } }>(
      '/customers/:id/orders',
      {
        schema: {
          summary: "A customer's orders with status and total (newest change last)",
          tags: ['shop'],
          params: idParam,
        },
      },
      async (request) => {
        const history = await read<CustomerOrders>(CUSTOMER_ORDERS_STORE, request.params.id);
        // A customer without orders is not an error: the history is empty.
        return history ?? { customerId: request.params.id, orders: [] };
      },
    );

    app.post<{ Params: { id: string }; Body: { expectedVersion: number; reason: string } }>(
      '/orders/:id/cancel',
      {
        schema: {
          summary:
            'Cancel an order at the version the caller saw (202; a stale version is refused in its events)',
          tags: ['shop'],
          params: idParam,
          body: {
            type: 'object',
            required: ['expectedVersion', 'reason'],
            additionalProperties: false,
            properties: {
              expectedVersion: { type: 'integer', minimum: 1 },
              reason: { type: 'string', minLength: 1 },
            },
          },
        },
      },
      async (request, reply) => {
        const commandId = randomUUID();
        await send({
          schemaVersion: 1,
          type: 'CancelOrder',
          commandId,
          orderId: request.params.id,
          ...request.body,
        });
        return reply.code(202).send({ orderId: request.params.id, commandId });
      },
    );

    app.get<{ Params: { id: string } }>(
      '/products/:id/stock',
      {
        schema: {
          summary: "A product's stock: on hand, reserved, available",
          tags: ['shop'],
          params: idParam,
        },
      },
      async (request) => {
        const stock = await read<ProductStock>(STOCK_STORE, request.params.id);
        if (!stock) throw new HttpError(404, 'unknown-product', `no product ${request.params.id}`);
        return {
          productId: request.params.id,
          onHand: stock.onHand,
          reserved: stock.reserved,
          available: available(stock),
        };
      },
    );

    app.get(
      '/sagas',
      {
        schema: {
          summary:
            'The saga monitor: sagas running, completed, compensated; the compensation rate and the mean duration of those that ended',
          tags: ['shop'],
        },
      },
      async () => {
        const m = (await read<SagaMonitor>(SAGA_MONITOR_STORE, SAGA_MONITOR_KEY)) ?? {
          running: 0,
          completed: 0,
          compensated: 0,
          endedDurationMs: 0,
        };
        const ended = m.completed + m.compensated;
        return {
          running: m.running,
          completed: m.completed,
          compensated: m.compensated,
          compensationRate: ended === 0 ? null : m.compensated / ended,
          meanDurationMs: ended === 0 ? null : m.endedDurationMs / ended,
        };
      },
    );

    app.get<{ Params: { id: string } }>(
      '/sagas/:id',
      { schema: { summary: "An order's saga: status, step, data, reason", tags: ['shop'], params: idParam } },
      async (request) => {
        const state = await read(ORDER_SAGAS_STORE, request.params.id);
        if (!state) throw new HttpError(404, 'unknown-saga', `no saga for order ${request.params.id}`);
        return state;
      },
    );
  };
}
