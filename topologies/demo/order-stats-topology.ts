import {
  Consumed,
  Grouped,
  Materialized,
  Named,
  Produced,
  Serdes,
  StreamsBuilder,
  type Topology,
} from 'rivulet';
import type { OrderPlaced, ProductSales } from './order-events.js';

export const ORDERS_TOPIC = 'orders';
export const PRODUCT_SALES_TOPIC = 'product-sales';
export const LARGE_ORDERS_TOPIC = 'large-orders';
export const SALES_STORE = 'sales-by-product';

const LARGE_ORDER_CENTS = 100_000;

/**
 * The demo job: orders keyed by order id → valid orders only → large ones to their own topic →
 * re-keyed by product (a repartition) → running sales per product in a queryable store.
 */
export function orderStatsTopology(): Topology {
  const builder = new StreamsBuilder();
  const orders = builder
    .stream<string, OrderPlaced>(ORDERS_TOPIC, Consumed.with(Serdes.String(), Serdes.Json<OrderPlaced>()))
    .filter((_id, order) => order.quantity > 0, Named.as('valid-orders'));

  orders
    .filter(
      (_id, order) => order.quantity * order.unitPriceCents >= LARGE_ORDER_CENTS,
      Named.as('large-orders'),
    )
    .to(LARGE_ORDERS_TOPIC, Produced.with(Serdes.String(), Serdes.Json<OrderPlaced>()));

  orders
    .groupBy(
      (_id, order) => order.product,
      Grouped.with(Serdes.String(), Serdes.Json<OrderPlaced>()).withName('orders-by-product'),
    )
    .aggregate<ProductSales>(
      () => ({ orders: 0, units: 0, revenueCents: 0 }),
      (_product, order, sales) => ({
        orders: sales.orders + 1,
        units: sales.units + order.quantity,
        revenueCents: sales.revenueCents + order.quantity * order.unitPriceCents,
      }),
      Materialized.as<string, ProductSales>(SALES_STORE).withValueSerde(Serdes.Json<ProductSales>()),
    )
    .toStream()
    .to(PRODUCT_SALES_TOPIC, Produced.with(Serdes.String(), Serdes.Json<ProductSales>()));

  return builder.build();
}
