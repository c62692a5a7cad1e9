import { RecordProducer, Serdes } from 'rivulet';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderEvent } from '../order-events.js';
import type { PaymentEvent } from '../payment-events.js';
import { TOPICS } from '../topics.js';
import { startShopInstances } from './shop-instances.js';

// The analytics over HTTP on two instances of the embedded log, fed events with timestamps of a
// past hour (so windows close by stream time): a product's minutes, the order rate, the top
// products, a customer's sessions, the alerts; a bad query is a 400 naming the field.

const S = Serdes.String();
const T0 = 1_700_000_040_000; // on a whole minute
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function until<T>(read: () => Promise<T>, done: (answer: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = await read();
    if (done(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`not reached in 10 s: ${JSON.stringify(answer)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const json = async (url: string) => (await fetch(url)).json() as Promise<Record<string, unknown>>;

describe('the shop analytics API', () => {
  it('answers windows, top products, sessions and alerts from whichever instance hosts them', async () => {
    const shops = await startShopInstances({
      products: [],
      shop: { services: ['analytics'], alerts: { minPayments: 2, paymentFailureRate: 0.4 } },
    });
    cleanup.push(() => shops.close());
    const [a, b] = shops.urls as [string, string];
    const events = await RecordProducer.create({
      bootstrapServers: shops.bootstrapServers,
      keySerde: S,
      valueSerde: Serdes.Json<OrderEvent | PaymentEvent>(),
    });
    cleanup.push(() => events.close());
    const placed = (orderId: string, atMs: number, customerId: string, productId: string, quantity: number) =>
      events.send(
        TOPICS.orderEvents.name,
        orderId,
        {
          schemaVersion: 1,
          type: 'OrderPlaced',
          orderId,
          version: 1,
          commandId: `place-${orderId}`,
          customerId,
          lines: [{ productId, quantity, unitPriceCents: 1_000 }],
          totalCents: quantity * 1_000,
        },
        { timestampMs: atMs },
      );
    placed('o1', T0 + 1_000, 'c1', 'keyboard', 2);
    placed('o2', T0 + 2_000, 'c1', 'mouse', 1);
    placed('o3', T0 + 3_000, 'c2', 'keyboard', 1);
    for (const [i, declined] of [true, true, false].entries()) {
      const orderId = `p${i}`;
      events.send(
        TOPICS.paymentEvents.name,
        orderId,
        declined
          ? {
              schemaVersion: 1,
              type: 'PaymentDeclined',
              orderId,
              commandId: `pay-${orderId}`,
              reason: 'card declined',
            }
          : {
              schemaVersion: 1,
              type: 'PaymentProcessed',
              orderId,
              commandId: `pay-${orderId}`,
              paymentId: 'x',
              amountCents: 1,
            },
        { timestampMs: T0 + 5_000 + i },
      );
    }
    await events.flush();
    // The open windows show them (the API reads the stores, open windows included) before any closes:
    // records of later minutes could otherwise reach a repartition topic's partition first.
    await until(
      async () =>
        [
          await json(`${a}/analytics/products/keyboard/sales`),
          await json(`${b}/analytics/order-rate?sinceMs=${T0}`),
          await json(`${a}/analytics/customers/c2/sessions`),
          await json(`${a}/stores/payment-outcomes-per-minute/keys/all/windows`),
        ] as {
          minutes?: { orders: number }[];
          windows?: { orders?: number; value?: { payments: number } }[];
          sessions?: unknown[];
        }[],
      ([sales, rate, sessions, payments]) =>
        sales?.minutes?.[0]?.orders === 2 &&
        rate?.windows?.[0]?.orders === 3 &&
        sessions?.sessions?.length === 1 &&
        payments?.windows?.[0]?.value?.payments === 3,
    );
    // Ten minutes later, on every partition: closes the first minute, the sessions and the payment minute.
    for (let i = 0; i < 16; i++) {
      placed(`late-${i}`, T0 + 600_000, `late-customer-${i}`, `late-product-${i}`, 1);
      events.send(
        TOPICS.paymentEvents.name,
        `late-${i}`,
        {
          schemaVersion: 1,
          type: 'PaymentProcessed',
          orderId: `late-${i}`,
          commandId: `late-${i}`,
          paymentId: 'x',
          amountCents: 1,
        },
        { timestampMs: T0 + 600_000 },
      );
    }
    await events.flush();

    expect(
      await until(
        () => json(`${a}/analytics/products/keyboard/sales`),
        (r) => (r.minutes as []).length > 0,
      ),
    ).toEqual({
      productId: 'keyboard',
      minutes: [{ windowStartMs: T0, windowEndMs: T0 + 60_000, orders: 2, units: 3, revenueCents: 3_000 }],
    });
    expect(
      await until(
        () => json(`${b}/analytics/top-products?sinceMs=${T0}`),
        (r) => (r.minutes as []).length > 0,
      ),
    ).toEqual({
      minutes: [
        {
          windowStartMs: T0,
          windowEndMs: T0 + 60_000,
          products: [
            { productId: 'keyboard', orders: 2, units: 3, revenueCents: 3_000 },
            { productId: 'mouse', orders: 1, units: 1, revenueCents: 1_000 },
          ],
        },
      ],
    });
    const rate = (await json(`${b}/analytics/order-rate?sinceMs=${T0 - 240_000}`)) as {
      windows: { windowStartMs: number; orders: number }[];
    };
    expect(rate.windows.filter((w) => w.windowStartMs <= T0)).toEqual(
      [-240_000, -180_000, -120_000, -60_000, 0].map((start) => ({
        windowStartMs: T0 + start,
        windowEndMs: T0 + start + 300_000,
        orders: 3,
      })),
    );
    expect(await json(`${a}/analytics/customers/c1/sessions`)).toEqual({
      customerId: 'c1',
      sessions: [{ startMs: T0 + 1_000, endMs: T0 + 2_000, orders: 2, revenueCents: 3_000 }],
    });
    expect(
      await until(
        () => json(`${b}/analytics/alerts`),
        (r) => (r.alerts as []).length > 0,
      ),
    ).toEqual({
      alerts: [
        {
          schemaVersion: 1,
          type: 'PaymentFailureRateHigh',
          windowStartMs: T0,
          windowEndMs: T0 + 60_000,
          payments: 3,
          declined: 2,
          failureRate: 2 / 3,
          threshold: 0.4,
        },
      ],
    });

    const bad = await fetch(`${a}/analytics/order-rate?sinceMs=-5`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/sinceMs/);
  }, 60_000);
});
