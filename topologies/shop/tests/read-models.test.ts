import type { TopologyTestDriver } from 'rivulet';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderState } from '../order-events.js';
import { ORDERS_STORE } from '../order-service.js';
import {
  CUSTOMER_ORDERS_STORE,
  type CustomerOrders,
  ORDER_DETAILS_STORE,
  type OrderDetails,
  SAGA_MONITOR_KEY,
  SAGA_MONITOR_STORE,
  type SagaMonitor,
} from '../read-models.js';
import { shopDriver } from './shop-driver.js';

// The read models on the TopologyTestDriver, fed by every service of the shop: order details
// (joined from the order, inventory and payment events), each customer's order history, the saga
// monitor.

let driver: TopologyTestDriver | undefined;
afterEach(() => {
  driver?.close();
  driver = undefined;
});

function shop() {
  const shop = shopDriver({
    payments: {
      outcome: (orderId) => (orderId === 'o3' ? 'decline' : orderId === 'o5' ? 'no-answer' : 'pay'),
    },
    saga: { stepTimeoutMs: 10_000, timeoutCheckIntervalMs: 1_000 },
  });
  const d = shop.driver;
  driver = d;
  return {
    place: (orderId: string, customerId: string, lines: Record<string, number>) =>
      shop.place(orderId, lines, { customerId }),
    cancel: shop.cancel,
    details: (orderId: string) => d.getKeyValueStore<string, OrderDetails>(ORDER_DETAILS_STORE).get(orderId),
    history: (customerId: string) =>
      d.getKeyValueStore<string, CustomerOrders>(CUSTOMER_ORDERS_STORE).get(customerId),
    orders: () => [...d.getKeyValueStore<string, OrderState>(ORDERS_STORE).all()],
    monitor: () => d.getKeyValueStore<string, SagaMonitor>(SAGA_MONITOR_STORE).get(SAGA_MONITOR_KEY),
    advance: (ms: number) => d.advanceWallClockTime(ms),
  };
}

describe('the read models', () => {
  it('order details: lines, every event in order, and the inventory and payment outcome', () => {
    const s = shop();
    s.place('o1', 'c1', { keyboard: 2 });
    s.place('o2', 'c1', { mouse: 3 }); // only 1 mouse
    s.place('o3', 'c2', { keyboard: 1 }); // declined
    expect(s.details('o1')).toEqual({
      orderId: 'o1',
      customerId: 'c1',
      status: 'confirmed',
      version: 2,
      lines: [{ productId: 'keyboard', quantity: 2, unitPriceCents: 1_000 }],
      totalCents: 2_000,
      history: [
        { type: 'OrderPlaced' },
        { type: 'InventoryReserved' },
        { type: 'PaymentProcessed' },
        { type: 'OrderConfirmed' },
      ],
      inventory: 'reserved',
      payment: 'paid',
    });
    expect(s.details('o2')).toMatchObject({ status: 'cancelled', inventory: 'insufficient', payment: null });
    expect(s.details('o2')!.history.map((h) => h.type)).toEqual([
      'OrderPlaced',
      'InventoryInsufficient',
      'OrderCancelled',
    ]);
    expect(s.details('o2')!.history[1]).toEqual({ type: 'InventoryInsufficient', detail: 'mouse 1 of 3' });
    expect(s.details('o3')).toMatchObject({
      status: 'cancelled',
      inventory: 'released',
      payment: 'declined',
    });
  });

  it('cancel after confirm: the details show the release and the refund', () => {
    const s = shop();
    s.place('o1', 'c1', { keyboard: 2 });
    s.cancel('o1', 2);
    expect(s.details('o1')).toMatchObject({
      status: 'cancelled',
      version: 3,
      inventory: 'released',
      payment: 'refunded',
    });
    expect(s.details('o1')!.history.at(-3)).toEqual({ type: 'OrderCancelled', detail: 'changed my mind' });
  });

  it("customer history: each of a customer's orders once, at its latest status and version", () => {
    const s = shop();
    s.place('o1', 'c1', { keyboard: 2 });
    s.place('o2', 'c1', { mouse: 3 });
    s.place('o3', 'c2', { keyboard: 1 });
    s.place('o4', 'c1', { mouse: 1 });
    s.cancel('o1', 2);
    expect(s.history('c1')).toEqual({
      customerId: 'c1',
      orders: [
        { orderId: 'o2', status: 'cancelled', version: 2, totalCents: 3_000 },
        { orderId: 'o4', status: 'confirmed', version: 2, totalCents: 1_000 },
        { orderId: 'o1', status: 'cancelled', version: 3, totalCents: 2_000 },
      ],
    });
    expect(s.history('c2')!.orders).toEqual([
      { orderId: 'o3', status: 'cancelled', version: 2, totalCents: 1_000 },
    ]);
    expect(s.history('c3')).toBeNull();
    // The read models agree with the write side: every order's status and version.
    for (const { key, value } of s.orders())
      expect(s.details(key), key).toMatchObject({ status: value.status, version: value.version });
  });

  it('saga monitor: running sagas move to completed or compensated, with their durations', () => {
    const s = shop();
    s.place('o1', 'c1', { keyboard: 1 }); // completed
    s.place('o2', 'c1', { mouse: 3 }); // compensated: insufficient
    expect(s.monitor()).toEqual({ running: 0, completed: 1, compensated: 1, endedDurationMs: 0 });
    s.place('o5', 'c2', { keyboard: 1 }); // the payment never answers
    expect(s.monitor()).toMatchObject({ running: 1, completed: 1, compensated: 1 });
    s.advance(11_000); // past the step's timeout: compensated
    expect(s.monitor()).toEqual({ running: 0, completed: 1, compensated: 2, endedDurationMs: 11_000 });
  });
});
