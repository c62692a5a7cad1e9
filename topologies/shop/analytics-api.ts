import type { FastifyInstance } from 'fastify';
import { LATEST_ALERTS_STORE, type ShopAlert } from './alerts.js';
import { ORDER_RATE_STORE, PRODUCT_SALES_PER_MINUTE_STORE } from './analytics.js';
import type { ProductSales } from './analytics-results.js';
import { CUSTOMER_SESSIONS_STORE, type CustomerSession } from './customer-sessions.js';
import { DEAD_LETTERS_STORE, type DeadLetter } from './dead-letters.js';
import { storeReads } from './store-reads.js';
import { TOP_PRODUCTS_STORE, type TopProducts } from './top-products.js';

const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1 } },
} as const;
const sinceQuery = {
  type: 'object',
  properties: {
    sinceMs: { type: 'integer', minimum: 0, default: 0, description: 'the earliest window start (ms)' },
  },
} as const;

/**
 * The analytics and the dead letters over HTTP: windows as the stores hold them now (the open
 * window included, so the numbers move; the analytics topics carry only final results).
 */
export function analyticsRoutes(app: FastifyInstance): void {
  const reads = storeReads(app);

  app.get<{ Params: { id: string }; Querystring: { sinceMs: number } }>(
    '/analytics/products/:id/sales',
    {
      schema: {
        summary: "A product's orders, units and revenue per minute",
        tags: ['analytics'],
        params: idParam,
        querystring: sinceQuery,
      },
    },
    async (request) => ({
      productId: request.params.id,
      minutes: (
        await reads.windows<ProductSales>(
          PRODUCT_SALES_PER_MINUTE_STORE,
          request.params.id,
          request.query.sinceMs,
        )
      ).map((w) => ({ windowStartMs: w.start, windowEndMs: w.end, ...w.value })),
    }),
  );

  app.get<{ Querystring: { sinceMs: number } }>(
    '/analytics/order-rate',
    {
      schema: {
        summary: 'Orders placed in 5-minute windows, one every minute',
        tags: ['analytics'],
        querystring: sinceQuery,
      },
    },
    async (request) => ({
      windows: (await reads.windows<number>(ORDER_RATE_STORE, 'all', request.query.sinceMs)).map((w) => ({
        windowStartMs: w.start,
        windowEndMs: w.end,
        orders: w.value,
      })),
    }),
  );

  app.get<{ Querystring: { sinceMs: number } }>(
    '/analytics/top-products',
    {
      schema: {
        summary: "Each minute's best-selling products by revenue (final minutes only)",
        tags: ['analytics'],
        querystring: sinceQuery,
      },
    },
    async (request) => ({
      minutes: (await reads.entries<string, TopProducts>(TOP_PRODUCTS_STORE, String(request.query.sinceMs)))
        .map((e) => e.value)
        .sort((a, b) => a.windowStartMs - b.windowStartMs),
    }),
  );

  app.get<{ Params: { id: string } }>(
    '/analytics/customers/:id/sessions',
    {
      schema: {
        summary: "A customer's sessions of activity: orders and revenue",
        tags: ['analytics'],
        params: idParam,
      },
    },
    async (request) => ({
      customerId: request.params.id,
      sessions: (await reads.sessions<CustomerSession>(CUSTOMER_SESSIONS_STORE, request.params.id)).map(
        (s) => ({
          startMs: s.start,
          endMs: s.end,
          ...s.value,
        }),
      ),
    }),
  );

  app.get(
    '/analytics/alerts',
    { schema: { summary: 'The latest alert of each type', tags: ['analytics'] } },
    async () => ({
      alerts: (await reads.entries<string, ShopAlert>(LATEST_ALERTS_STORE)).map((e) => e.value),
    }),
  );

  app.get(
    '/notifications/dead-letters',
    {
      schema: {
        summary: 'Notifications that failed every attempt, with the last error',
        tags: ['shop'],
      },
    },
    async () => ({
      deadLetters: (await reads.entries<string, DeadLetter>(DEAD_LETTERS_STORE)).map((e) => e.value),
    }),
  );
}
