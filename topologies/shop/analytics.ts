import {
  EmitStrategy,
  Grouped,
  type KStream,
  Materialized,
  Produced,
  Serdes,
  TimeWindows,
  type Windowed,
} from 'rivulet';
import type { OrderEvent } from './order-events.js';
import { type ShopTopics, TOPICS } from './topics.js';

/** Per product and minute: the stores of the windowed analytics (queryable). */
export const PRODUCT_SALES_PER_MINUTE_STORE = 'product-sales-per-minute';
export const ORDER_RATE_STORE = 'order-rate-5m';

const MINUTE_MS = 60_000;
/** How late an order may arrive and still count in its window. */
const GRACE_MS = 10_000;

export interface ProductSales {
  readonly orders: number;
  readonly units: number;
  readonly revenueCents: number;
}

/** A final window result as the analytics topics carry it. */
export interface WindowResult<V> {
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  readonly result: V;
}

const S = Serdes.String();

/**
 * Windowed analytics of placed orders, final results only (emit on window close): each product's
 * orders, units and revenue per minute (tumbling), and the order count of the last 5 minutes,
 * every minute (hopping).
 */
export function addAnalytics(orderEvents: KStream<string, OrderEvent>, topics: ShopTopics = TOPICS): void {
  const placed = orderEvents.filter((_id, e) => e.type === 'OrderPlaced');
  const salesJson = Serdes.Json<ProductSales>();

  placed
    .flatMap((_orderId, event) =>
      event.type === 'OrderPlaced'
        ? event.lines.map((l) => ({
            key: l.productId,
            value: { orders: 1, units: l.quantity, revenueCents: l.quantity * l.unitPriceCents },
          }))
        : [],
    )
    .groupByKey(Grouped.with(S, salesJson).withName('sales-by-product'))
    .windowedBy(TimeWindows.ofSizeAndGrace(MINUTE_MS, GRACE_MS))
    .emitStrategy(EmitStrategy.onWindowClose())
    .aggregate<ProductSales>(
      () => ({ orders: 0, units: 0, revenueCents: 0 }),
      (_product, line, total) => ({
        orders: total.orders + line.orders,
        units: total.units + line.units,
        revenueCents: total.revenueCents + line.revenueCents,
      }),
      Materialized.as<string, ProductSales>(PRODUCT_SALES_PER_MINUTE_STORE).withValueSerde(salesJson),
    )
    .toStream()
    .flatMap((window, result) => (result === null ? [] : [windowResult(window, result)]))
    .to(topics.productSalesPerMinute.name, Produced.with(S, Serdes.Json<WindowResult<ProductSales>>()));

  placed
    .groupBy(() => 'all', Grouped.with(S, Serdes.Json<OrderEvent>()).withName('orders-all'))
    .windowedBy(TimeWindows.ofSizeAndGrace(5 * MINUTE_MS, GRACE_MS).advanceBy(MINUTE_MS))
    .emitStrategy(EmitStrategy.onWindowClose())
    .count(Materialized.as<string, number>(ORDER_RATE_STORE))
    .toStream()
    .flatMap((window, count) => (count === null ? [] : [windowResult(window, count)]))
    .to(topics.orderRate.name, Produced.with(S, Serdes.Json<WindowResult<number>>()));
}

/** A window's final result, keyed by the window's key. */
function windowResult<V>(window: Windowed<string>, result: V) {
  return { key: window.key, value: { windowStartMs: window.startMs, windowEndMs: window.endMs, result } };
}
