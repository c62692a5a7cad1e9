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
import { type AlertOptions, addAlerts } from './alerts.js';
import {
  ANALYTICS_GRACE_MS,
  ANALYTICS_RETENTION_MS,
  MINUTE_MS,
  type ProductSales,
  type WindowResult,
} from './analytics-results.js';
import { addCustomerSessions } from './customer-sessions.js';
import type { InventoryEvent } from './inventory-events.js';
import type { OrderEvent } from './order-events.js';
import type { PaymentEvent } from './payment-events.js';
import { addTopProducts } from './top-products.js';
import { type ShopTopics, TOPICS } from './topics.js';

/** Per product and minute: the stores of the windowed analytics (queryable). */
export const PRODUCT_SALES_PER_MINUTE_STORE = 'product-sales-per-minute';
export const ORDER_RATE_STORE = 'order-rate-5m';

const S = Serdes.String();

/**
 * Windowed analytics, final results only (emit on window close): each product's orders, units and
 * revenue per minute (tumbling) and the minute's top products, the order count of the last 5
 * minutes every minute (hopping), sessions of customer activity, and alerts.
 */
export function addAnalytics(
  orderEvents: KStream<string, OrderEvent>,
  replies: KStream<string, InventoryEvent | PaymentEvent>,
  topics: ShopTopics = TOPICS,
  alerts: AlertOptions = {},
): void {
  const placed = orderEvents.filter((_id, e) => e.type === 'OrderPlaced');
  const salesJson = Serdes.Json<ProductSales>();

  const finalSales = placed
    .flatMap((_orderId, event) =>
      event.type === 'OrderPlaced'
        ? event.lines.map((l) => ({
            key: l.productId,
            value: { orders: 1, units: l.quantity, revenueCents: l.quantity * l.unitPriceCents },
          }))
        : [],
    )
    .groupByKey(Grouped.with(S, salesJson).withName('sales-by-product'))
    .windowedBy(TimeWindows.ofSizeAndGrace(MINUTE_MS, ANALYTICS_GRACE_MS))
    .emitStrategy(EmitStrategy.onWindowClose())
    .aggregate<ProductSales>(
      () => ({ orders: 0, units: 0, revenueCents: 0 }),
      (_product, line, total) => ({
        orders: total.orders + line.orders,
        units: total.units + line.units,
        revenueCents: total.revenueCents + line.revenueCents,
      }),
      Materialized.as<string, ProductSales>(PRODUCT_SALES_PER_MINUTE_STORE)
        .withValueSerde(salesJson)
        .withRetention(ANALYTICS_RETENTION_MS),
    )
    .toStream()
    .flatMap((window, result) => (result === null ? [] : [windowResult(window, result)]));
  finalSales.to(
    topics.productSalesPerMinute.name,
    Produced.with(S, Serdes.Json<WindowResult<ProductSales>>()),
  );
  addTopProducts(finalSales, topics);

  const finalOrderRate = placed
    .groupBy(() => 'all', Grouped.with(S, Serdes.Json<OrderEvent>()).withName('orders-all'))
    .windowedBy(TimeWindows.ofSizeAndGrace(5 * MINUTE_MS, ANALYTICS_GRACE_MS).advanceBy(MINUTE_MS))
    .emitStrategy(EmitStrategy.onWindowClose())
    .count(Materialized.as<string, number>(ORDER_RATE_STORE).withRetention(ANALYTICS_RETENTION_MS))
    .toStream()
    .flatMap((window, count) => (count === null ? [] : [windowResult(window, count)]));
  finalOrderRate.to(topics.orderRate.name, Produced.with(S, Serdes.Json<WindowResult<number>>()));

  addCustomerSessions(placed, topics);
  addAlerts(replies, finalOrderRate, topics, alerts);
}

/** A window's final result, keyed by the window's key. */
function windowResult<V>(window: Windowed<string>, result: V) {
  return { key: window.key, value: { windowStartMs: window.startMs, windowEndMs: window.endMs, result } };
}
