import { Serdes, TopologyTestDriver } from 'rivulet';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProductSales, WindowResult } from '../analytics.js';
import type { OrderCommand } from '../order-events.js';
import { shopTopology } from '../shop-topology.js';
import { TOPICS } from '../topics.js';

// The windowed analytics of placed orders: one final result per window once it closes (end + 10 s
// grace of stream time), per product and minute, and the order count of 5 minutes every minute.

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
