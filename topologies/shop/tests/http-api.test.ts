import { createTopics } from 'rivulet';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderState } from '../order-events.js';
import type { CustomerOrders, OrderDetails } from '../read-models.js';
import { TOPICS } from '../topics.js';
import { startShopInstances } from './shop-instances.js';

// The shop's HTTP API on two instances of the embedded log: place an order and read your write
// (waiting for the version), from either instance; validation, idempotency, cancel, stock, saga,
// read models.

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function twoShops(before?: (bootstrapServers: string) => Promise<void>) {
  const shops = await startShopInstances({
    products: [{ schemaVersion: 1, productId: 'keyboard', name: 'Keyboard', priceCents: 4_999, stock: 10 }],
    ...(before ? { before } : {}),
  });
  cleanup.push(() => shops.close());
  return shops.urls;
}

/** Reads until `done` holds of the answer (5 s at most); the last answer. */
async function until<T>(read: () => Promise<T>, done: (answer: T) => boolean): Promise<T> {
  for (let tries = 0; ; tries++) {
    const answer = await read();
    if (done(answer)) return answer;
    if (tries > 200)
      throw new Error(
        `not reached in 5 s: ${JSON.stringify(answer, (_k, v) => (v instanceof Map ? [...v] : v))}`,
      );
    await new Promise((r) => setTimeout(r, 25));
  }
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('the shop HTTP API', () => {
  it('places an order and reads its outcome from either instance (read your writes); validation, idempotency, cancel, stock, saga', async () => {
    const [a, b] = await twoShops();
    const order = {
      customerId: 'c1',
      lines: [{ productId: 'keyboard', quantity: 2, unitPriceCents: 4_999 }],
    };

    const placed = await post(`${a}/orders`, order);
    expect(placed.status).toBe(202);
    const { orderId } = (await placed.json()) as { orderId: string };
    // Version 2 is the saga's confirmation: the GET waits for it, on the other instance too.
    for (const url of [b, a]) {
      const read = await fetch(`${url}/orders/${orderId}?minVersion=2`);
      expect(read.status).toBe(200);
      expect((await read.json()) as OrderState).toMatchObject({
        orderId,
        status: 'confirmed',
        version: 2,
        totalCents: 9_998,
      });
    }
    expect(await (await fetch(`${b}/products/keyboard/stock`)).json()).toEqual({
      productId: 'keyboard',
      onHand: 10,
      reserved: 2,
      available: 8,
    });
    expect(await (await fetch(`${a}/sagas/${orderId}`)).json()).toMatchObject({
      status: 'completed',
      data: { paymentId: `pay-${orderId}` },
    });

    // A retried POST with the same idempotency key is the same order.
    const first = (await (await post(`${a}/orders`, order, { 'idempotency-key': 'k-42' })).json()) as {
      orderId: string;
    };
    const again = (await (await post(`${b}/orders`, order, { 'idempotency-key': 'k-42' })).json()) as {
      orderId: string;
    };
    expect(again.orderId).toBe(first.orderId);
    expect(await (await fetch(`${a}/orders/${first.orderId}?minVersion=2`)).json()).toMatchObject({
      version: 2,
    });
    expect(await (await fetch(`${a}/products/keyboard/stock`)).json()).toMatchObject({ reserved: 4 });

    // Cancelling at the version seen.
    expect(
      (await post(`${b}/orders/${orderId}/cancel`, { expectedVersion: 2, reason: 'changed my mind' })).status,
    ).toBe(202);
    expect(await (await fetch(`${a}/orders/${orderId}?minVersion=3`)).json()).toMatchObject({
      status: 'cancelled',
      version: 3,
    }); // A confirmed order's cancellation gives its items back (and refunds it).
    await until(
      async () => (await (await fetch(`${b}/products/keyboard/stock`)).json()) as { reserved: number },
      (stock) => stock.reserved === 2,
    );

    // The read models: the order's details and the customer's history, once they caught up.
    const details = await until(
      async () => (await (await fetch(`${b}/orders/${orderId}/details`)).json()) as OrderDetails,
      (d) => d.payment === 'refunded' && d.inventory === 'released',
    );
    expect(details).toMatchObject({ customerId: 'c1', status: 'cancelled', version: 3 });
    const statuses = async () => {
      const history = (await (await fetch(`${a}/customers/c1/orders`)).json()) as CustomerOrders;
      return new Map(history.orders.map((o) => [o.orderId, o.status]));
    };
    const expected = new Map([
      [first.orderId, 'confirmed'],
      [orderId, 'cancelled'],
    ]);
    expect(await until(statuses, (h) => h.size === 2 && h.get(orderId) === 'cancelled')).toEqual(expected);
    expect(await (await fetch(`${b}/customers/nobody/orders`)).json()).toEqual({
      customerId: 'nobody',
      orders: [],
    });
    expect((await fetch(`${a}/orders/nope/details`)).status).toBe(404);
    // Both sagas completed (the cancellation came after): the monitor counts them.
    const monitor = await until(
      async () => (await (await fetch(`${b}/sagas`)).json()) as { completed: number },
      (m) => m.completed === 2,
    );
    expect(monitor).toMatchObject({ running: 0, compensated: 0, compensationRate: 0 });

    // Bad input: 400 naming the field; unknown order: 404; a version never reached: 504 after the wait.
    const bad = await post(`${a}/orders`, {
      customerId: 'c1',
      lines: [{ productId: 'keyboard', quantity: 0, unitPriceCents: 1 }],
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/quantity/);
    expect((await fetch(`${a}/orders/nope`)).status).toBe(404);
    const late = await fetch(`${a}/orders/${orderId}?minVersion=9&waitMs=200`);
    expect(late.status).toBe(504);
    expect(((await late.json()) as { message: string }).message).toMatch(/at version 3, not yet 9/);
  }, 60_000);

  it('a command the log refuses is a 503 naming why, not a 500', async () => {
    // order-commands made first, with a 300-byte record limit (createShopTopics leaves it as it is).
    const [a] = await twoShops((servers) =>
      createTopics(servers, [
        { name: TOPICS.orderCommands.name, partitions: 4, config: { 'max.message.bytes': '300' } },
      ]),
    );
    const big = {
      customerId: 'c1',
      lines: Array.from({ length: 10 }, (_, i) => ({ productId: `p${i}`, quantity: 1, unitPriceCents: 1 })),
    };
    const refused = await post(`${a}/orders`, big);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { message: string }).message).toMatch(
      /^the PlaceOrder command for order order-.* was not written: 1 record\(s\) were not written/,
    );
  }, 60_000);
});
