import { Serdes, TopologyTestDriver } from 'rivulet';
import { afterEach, describe, expect, it } from 'vitest';
import { LATEST_ALERTS_STORE, type ShopAlert } from '../alerts.js';
import type { ProductSales, WindowResult } from '../analytics-results.js';
import type { CustomerSession } from '../customer-sessions.js';
import type { OrderCommand, OrderEvent } from '../order-events.js';
import type { PaymentEvent } from '../payment-events.js';
import { shopTopology } from '../shop-topology.js';
import { TOP_PRODUCTS_STORE, type TopProducts } from '../top-products.js';
import { TOPICS } from '../topics.js';

// The windowed analytics of placed orders: one final result per window once it closes (end + 10 s
// grace of stream time), per product and minute, and the order count of 5 minutes every minute;
// the top products of each minute, customer sessions, and alerts built on them.

const S = Serdes.String();
const T0 = 1_700_000_040_000; // on a whole minute
let driver: TopologyTestDriver | undefined;
afterEach(() => {
  driver?.close();
  driver = undefined;
});

describe('shop analytics', () => {
  it('emits final per-minute product sales and 5-minute order counts when their windows close', () => {
    driver = new TopologyTestDriver(shopTopology(), {}, 0);
    const commands = driver.createInputTopic(TOPICS.orderCommands.name, S, Serdes.Json<OrderCommand>());
    const place = (orderId: string, atMs: number, lines: [string, number, number][]) =>
      commands.pipeInput(
        orderId,
        {
          schemaVersion: 1,
          type: 'PlaceOrder',
          commandId: `place-${orderId}`,
          orderId,
          customerId: 'c1',
          lines: lines.map(([productId, quantity, unitPriceCents]) => ({
            productId,
            quantity,
            unitPriceCents,
          })),
        },
        atMs,
      );
    const sales = driver.createOutputTopic(
      TOPICS.productSalesPerMinute.name,
      S,
      Serdes.Json<WindowResult<ProductSales>>(),
    );
    const rate = driver.createOutputTopic(TOPICS.orderRate.name, S, Serdes.Json<WindowResult<number>>());

    place('o1', T0 + 1_000, [
      ['keyboard', 2, 1_000],
      ['mouse', 1, 500],
    ]);
    place('o2', T0 + 30_000, [['keyboard', 1, 1_000]]);
    place('o3', T0 + 65_000, [['mouse', 3, 500]]);
    expect(sales.isEmpty()).toBe(true); // the first minute closes when stream time reaches T0 + 70 s
    place('o4', T0 + 200_000, [['keyboard', 1, 1_000]]);

    const minute = (start: number) => ({ windowStartMs: T0 + start, windowEndMs: T0 + start + 60_000 });
    expect(sales.readKeyValuesToList()).toEqual([
      { key: 'keyboard', value: { ...minute(0), result: { orders: 2, units: 3, revenueCents: 3_000 } } },
      { key: 'mouse', value: { ...minute(0), result: { orders: 1, units: 1, revenueCents: 500 } } },
      { key: 'mouse', value: { ...minute(60_000), result: { orders: 1, units: 3, revenueCents: 1_500 } } },
    ]);
    const fiveMinutes = (start: number) => ({ windowStartMs: T0 + start, windowEndMs: T0 + start + 300_000 });
    expect(rate.readKeyValuesToList()).toEqual([
      { key: 'all', value: { ...fiveMinutes(-240_000), result: 2 } },
      { key: 'all', value: { ...fiveMinutes(-180_000), result: 3 } },
      { key: 'all', value: { ...fiveMinutes(-120_000), result: 3 } },
    ]);
  });
});

/** The analytics service alone, fed order and payment events directly. */
function analytics(alerts = {}) {
  const d = new TopologyTestDriver(shopTopology(TOPICS, { services: ['analytics'], alerts }), {}, 0);
  driver = d;
  const orderEvents = d.createInputTopic(TOPICS.orderEvents.name, S, Serdes.Json<OrderEvent>());
  const paymentEvents = d.createInputTopic(TOPICS.paymentEvents.name, S, Serdes.Json<PaymentEvent>());
  let version = 0;
  return {
    driver: d,
    placed: (atMs: number, customerId: string, lines: [string, number, number][]) => {
      const orderId = `o${++version}`;
      const orderLines = lines.map(([productId, quantity, unitPriceCents]) => ({
        productId,
        quantity,
        unitPriceCents,
      }));
      orderEvents.pipeInput(
        orderId,
        {
          schemaVersion: 1,
          type: 'OrderPlaced',
          orderId,
          version: 1,
          commandId: `place-${orderId}`,
          customerId,
          lines: orderLines,
          totalCents: orderLines.reduce((n, l) => n + l.quantity * l.unitPriceCents, 0),
        },
        atMs,
      );
    },
    payment: (atMs: number, outcome: 'paid' | 'declined') => {
      const orderId = `p${++version}`;
      paymentEvents.pipeInput(
        orderId,
        outcome === 'paid'
          ? {
              schemaVersion: 1,
              type: 'PaymentProcessed',
              orderId,
              commandId: `pay-${orderId}`,
              paymentId: `pm-${orderId}`,
              amountCents: 100,
            }
          : {
              schemaVersion: 1,
              type: 'PaymentDeclined',
              orderId,
              commandId: `pay-${orderId}`,
              reason: 'card declined',
            },
        atMs,
      );
    },
  };
}

describe('shop analytics: top products, sessions, alerts', () => {
  it("ranks each minute's products by revenue and keeps the top 3, once the minute's sales are final", () => {
    const shop = analytics();
    shop.placed(T0 + 1_000, 'c1', [
      ['a', 2, 1_000],
      ['b', 1, 500],
    ]);
    shop.placed(T0 + 2_000, 'c2', [['c', 3, 1_000]]);
    shop.placed(T0 + 3_000, 'c3', [['d', 1, 2_500]]);
    shop.placed(T0 + 4_000, 'c3', [['b', 2, 500]]);
    const top = shop.driver.createOutputTopic(TOPICS.topProducts.name, S, Serdes.Json<TopProducts>());
    expect(top.isEmpty()).toBe(true);
    shop.placed(T0 + 71_000, 'c1', [['a', 1, 1_000]]); // closes the first minute

    const results = top.readKeyValuesToList();
    expect(results.map((r) => r.key)).toEqual(Array(4).fill(String(T0))); // one update per product
    const expected: TopProducts = {
      windowStartMs: T0,
      windowEndMs: T0 + 60_000,
      products: [
        { productId: 'c', orders: 1, units: 3, revenueCents: 3_000 },
        { productId: 'd', orders: 1, units: 1, revenueCents: 2_500 },
        { productId: 'a', orders: 1, units: 2, revenueCents: 2_000 },
      ],
    };
    expect(results.at(-1)?.value).toEqual(expected);
    expect(shop.driver.getKeyValueStore<string, TopProducts>(TOP_PRODUCTS_STORE).get(String(T0))).toEqual(
      expected,
    );
  });

  it("emits each customer's session of activity once it closes (5 minutes without an order)", () => {
    const shop = analytics();
    const sessions = shop.driver.createOutputTopic(
      TOPICS.customerSessions.name,
      S,
      Serdes.Json<WindowResult<CustomerSession>>(),
    );
    shop.placed(T0, 'c1', [['a', 1, 100]]);
    shop.placed(T0 + 10_000, 'c2', [['a', 1, 50]]);
    shop.placed(T0 + 60_000, 'c1', [['a', 2, 100]]);
    shop.placed(T0 + 200_000, 'c1', [['a', 3, 100]]);
    expect(sessions.isEmpty()).toBe(true);
    shop.placed(T0 + 560_000, 'c1', [['a', 1, 700]]); // a new session: more than 5 minutes later
    shop.placed(T0 + 1_800_000, 'c3', [['a', 1, 1]]);

    const session = (start: number, end: number, orders: number, revenueCents: number) => ({
      windowStartMs: T0 + start,
      windowEndMs: T0 + end,
      result: { orders, revenueCents },
    });
    expect(sessions.readKeyValuesToList()).toEqual([
      { key: 'c2', value: session(10_000, 10_000, 1, 50) },
      { key: 'c1', value: session(0, 200_000, 3, 600) },
      { key: 'c1', value: session(560_000, 560_000, 1, 700) },
    ]);
  });

  it('raises an alert for a minute with too many declined payments and for a sharp drop of the order rate', () => {
    const shop = analytics({ minPayments: 4, paymentFailureRate: 0.2, minOrders: 4, orderRateDrop: 0.5 });
    const alerts = shop.driver.createOutputTopic(TOPICS.alerts.name, S, Serdes.Json<ShopAlert>());
    // minute 0: 2 of 5 declined (an alert); minute 1: 1 of 5 (at the threshold, none); minute 2: 3 of 3 (too few)
    for (const [minute, declined, paid] of [
      [0, 2, 3],
      [1, 1, 4],
      [2, 3, 0],
    ] as const) {
      for (let i = 0; i < declined; i++) shop.payment(T0 + minute * 60_000 + 1_000 + i, 'declined');
      for (let i = 0; i < paid; i++) shop.payment(T0 + minute * 60_000 + 2_000 + i, 'paid');
    }
    shop.payment(T0 + 250_000, 'paid'); // closes minutes 0 to 2
    expect(alerts.readKeyValuesToList()).toEqual([
      {
        key: 'PaymentFailureRateHigh',
        value: {
          schemaVersion: 1,
          type: 'PaymentFailureRateHigh',
          windowStartMs: T0,
          windowEndMs: T0 + 60_000,
          payments: 5,
          declined: 2,
          failureRate: 0.4,
          threshold: 0.2,
        },
      },
    ]);

    // 8 orders in the first seconds, then 1 at 400 s: the 5-minute window from 120 s counts 1 after 8
    for (let i = 0; i < 8; i++) shop.placed(T0 + 1_000 + i, `c${i}`, [['a', 1, 100]]);
    shop.placed(T0 + 400_000, 'c1', [['a', 1, 100]]);
    shop.placed(T0 + 1_000_000, 'c1', [['a', 1, 100]]); // closes every window up to the one from 360 s
    const dropped: ShopAlert = {
      schemaVersion: 1,
      type: 'OrderRateDropped',
      windowStartMs: T0 + 120_000,
      windowEndMs: T0 + 420_000,
      orders: 1,
      previousOrders: 8,
      drop: 0.875,
      threshold: 0.5,
    };
    expect(alerts.readKeyValuesToList()).toEqual([{ key: 'OrderRateDropped', value: dropped }]);
    expect(
      shop.driver.getKeyValueStore<string, ShopAlert>(LATEST_ALERTS_STORE).get('OrderRateDropped'),
    ).toEqual(dropped);
  });

  it('refuses alert options out of range, naming the option', () => {
    expect(() =>
      shopTopology(TOPICS, { services: ['analytics'], alerts: { paymentFailureRate: 1.5 } }),
    ).toThrow('alert option paymentFailureRate must be a share between 0 and 1, got 1.5');
    expect(() => shopTopology(TOPICS, { services: ['analytics'], alerts: { minOrders: 0.5 } })).toThrow(
      'alert option minOrders must be a whole number >= 1, got 0.5',
    );
  });
});
