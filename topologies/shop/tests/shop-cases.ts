import { expect } from 'vitest';
import type { DeadLetter } from '../dead-letters.js';
import type { Product } from '../inventory-events.js';
import type { Notification } from '../notification-service.js';
import type { OrderEvent, OrderState } from '../order-events.js';
import type { OrderDetails } from '../read-models.js';
import type { ShopOptions } from '../shop-topology.js';
import type { ShopInstances } from './shop-instances.js';

// The cases every such system is judged by, end to end through the HTTP API of two running
// instances (so one body runs on the embedded log and on a real broker): happy path, insufficient
// stock, notification outage, payment declined, payment timeout, duplicate command, stale version,
// cancel after confirm. The order id says how its payment and notification go (caseOptions).

export const CASE_PRODUCTS: readonly Product[] = [
  { schemaVersion: 1, productId: 'keyboard', name: 'Keyboard', priceCents: 4_999, stock: 10 },
  { schemaVersion: 1, productId: 'limited', name: 'Limited edition', priceCents: 99_900, stock: 1 },
];

/** The cases' shop: payments and notifications by order id; a saga step times out after `stepTimeoutMs`. */
export const caseOptions = (stepTimeoutMs: number): ShopOptions => ({
  payments: {
    outcome: (orderId) =>
      orderId.includes('declined') ? 'decline' : orderId.includes('no-answer') ? 'no-answer' : 'pay',
  },
  saga: { stepTimeoutMs, timeoutCheckIntervalMs: 200 },
  notifications: {
    sender: (n) => {
      if (n.orderId.includes('outage')) throw new Error(`the mail service is down (${n.orderId})`);
    },
    retryDelaysMs: [100, 100],
    retryCheckIntervalMs: 50,
  },
});

/** Every committed record of a topic: its key and its (JSON) value. */
export type ReadTopic = (topic: string) => Promise<{ key: string; value: unknown }[]>;

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in 30 s, last ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function shopCases(shops: ShopInstances, readTopic: ReadTopic): Promise<void> {
  const [a, b] = shops.urls as [string, string];
  const json = async <T>(url: string, init?: RequestInit) => {
    const answer = await fetch(url, init);
    return { status: answer.status, body: (await answer.json()) as T };
  };
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    json<{ orderId: string }>(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const place = async (key: string, productId: string, quantity: number) => {
    const product = CASE_PRODUCTS.find((p) => p.productId === productId)!;
    const placed = await post(
      `${a}/orders`,
      { customerId: 'c1', lines: [{ productId, quantity, unitPriceCents: product.priceCents }] },
      { 'idempotency-key': key },
    );
    expect(placed).toEqual({ status: 202, body: { orderId: `order-${key}`, commandId: key } });
    return placed.body.orderId;
  };
  const order = async (orderId: string) => (await json<OrderState>(`${b}/orders/${orderId}`)).body;
  const ended = (orderId: string, version = 2) =>
    until(
      `${orderId} at version ${version}`,
      () => order(orderId),
      (o) => o.version === version,
    );
  const details = async (orderId: string) =>
    (await json<OrderDetails>(`${a}/orders/${orderId}/details`)).body;
  const available = async (productId: string) =>
    (await json<{ available: number; reserved: number }>(`${b}/products/${productId}/stock`)).body;

  // Happy path: placed → reserved → paid → confirmed.
  const happy = await place('happy', 'keyboard', 2);
  expect(await ended(happy)).toMatchObject({ status: 'confirmed', version: 2 });
  expect(
    await until(
      'happy details',
      () => details(happy),
      (d) => d.version === 2,
    ),
  ).toMatchObject({
    status: 'confirmed',
    inventory: 'reserved',
    payment: 'paid',
  });
  expect(await available('keyboard')).toEqual({
    productId: 'keyboard',
    onHand: 10,
    reserved: 2,
    available: 8,
  });

  // Insufficient stock: placed → insufficient → cancelled; the stock unchanged.
  const tooMany = await place('too-many', 'limited', 2);
  expect(await ended(tooMany)).toMatchObject({ status: 'cancelled' });
  expect(
    await until(
      'too-many details',
      () => details(tooMany),
      (d) => d.version === 2,
    ),
  ).toMatchObject({
    inventory: 'insufficient',
    payment: null,
  });
  expect(await available('limited')).toMatchObject({ reserved: 0, available: 1 });

  // Payment declined: the items released, the order cancelled.
  const declined = await place('declined', 'keyboard', 1);
  expect(await ended(declined)).toMatchObject({ status: 'cancelled' });
  expect(
    await until(
      'declined details',
      () => details(declined),
      (d) => d.inventory === 'released',
    ),
  ).toMatchObject({ payment: 'declined' });

  // Payment never answered: compensated after the step timeout.
  const noAnswer = await place('no-answer', 'keyboard', 1);
  expect(await ended(noAnswer)).toMatchObject({ status: 'cancelled' });
  expect((await json(`${a}/sagas/${noAnswer}`)).body).toMatchObject({
    status: 'compensated',
    reason: 'step process-payment timed out',
  });

  // Notification outage: three failed attempts, then the dead letters; the order stays confirmed.
  const outage = await place('outage', 'keyboard', 1);
  expect(await ended(outage)).toMatchObject({ status: 'confirmed' });
  const letters = await until(
    'the dead letter',
    async () =>
      (await json<{ deadLetters: DeadLetter[] }>(`${b}/notifications/dead-letters`)).body.deadLetters,
    (l) => l.length > 0,
  );
  expect(letters).toEqual([
    {
      notification: { schemaVersion: 1, orderId: outage, kind: 'order-confirmed' },
      error: `the mail service is down (${outage})`,
      attempts: 3,
      deadLetteredAtMs: expect.any(Number),
    },
  ]);
  expect(await order(outage)).toMatchObject({ status: 'confirmed', version: 2 });

  // Duplicate command: the same idempotency key is the same order, nothing new.
  expect(await place('happy', 'keyboard', 2)).toBe(happy);
  // Stale version: a cancel that expects version 1 of a version-2 order is rejected, visibly.
  const cancel = (orderId: string, expectedVersion: number) =>
    post(`${a}/orders/${orderId}/cancel`, { expectedVersion, reason: 'changed my mind' });
  expect((await cancel(happy, 1)).status).toBe(202);
  await until(
    'the stale cancel rejected',
    () => details(happy),
    (d) => d.history.some((h) => h.type === 'CommandRejected' && h.detail === 'CancelOrder: stale-version'),
  );
  expect(await order(happy)).toMatchObject({ status: 'confirmed', version: 2 });

  // Cancel after confirm: refund and release.
  expect((await cancel(happy, 2)).status).toBe(202);
  expect(await ended(happy, 3)).toMatchObject({ status: 'cancelled' });
  // The refund and the release are compensations of their own: both come.
  await until(
    'happy refunded and released',
    () => details(happy),
    (d) => d.payment === 'refunded' && d.inventory === 'released',
  );
  // Only the outage order holds keyboards now.
  expect(
    await until(
      'the keyboards back',
      () => available('keyboard'),
      (s) => s.reserved === 1,
    ),
  ).toMatchObject({ available: 9 });

  // Each order placed once; notified once of each outcome, or dead-lettered (the outage's).
  const events = (await readTopic(shops.topics.orderEvents.name)).map((r) => r.value as OrderEvent);
  expect(
    events
      .filter((e) => e.type === 'OrderPlaced')
      .map((e) => e.orderId)
      .sort(),
  ).toEqual([happy, tooMany, declined, noAnswer, outage].sort());
  const notified = await until(
    'the notifications',
    async () =>
      (await readTopic(shops.topics.notificationsSent.name)).map((r) => {
        const n = r.value as Notification;
        return `${n.orderId} ${n.kind}`;
      }),
    (n) => n.length === 5,
  );
  expect(notified.sort()).toEqual(
    [
      `${happy} order-confirmed`,
      `${happy} order-cancelled`,
      `${tooMany} order-cancelled`,
      `${declined} order-cancelled`,
      `${noAnswer} order-cancelled`,
    ].sort(),
  );
  expect((await readTopic(shops.topics.notificationsDlq.name)).map((r) => r.key)).toEqual([outage]);

  // Counted: the keyboards of every order placed (once each) in the per-minute sales.
  const sales = await until(
    'the keyboards counted',
    async () =>
      (
        await json<{ minutes: { units: number }[] }>(`${b}/analytics/products/keyboard/sales`)
      ).body.minutes.reduce((n, m) => n + m.units, 0),
    (units) => units >= 5,
  );
  expect(sales).toBe(5);
}
