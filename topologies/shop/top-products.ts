import { Grouped, type KStream, Materialized, Produced, Serdes } from 'rivulet';
import type { ProductSales, WindowResult } from './analytics-results.js';
import { type ShopTopics, TOPICS } from './topics.js';

/** The best-selling products of each minute (queryable, keyed by the window's start in ms, as text). */
export const TOP_PRODUCTS_STORE = 'top-products-per-minute';
/** How many products a minute's ranking keeps. */
export const TOP_N = 3;

export interface RankedProduct extends ProductSales {
  readonly productId: string;
}

/** A minute's best sellers by revenue, best first (ties: fewer units, then product id). */
export interface TopProducts {
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  readonly products: readonly RankedProduct[];
}

const S = Serdes.String();

/**
 * Top-N products per minute from the final per-minute sales: each product's result is ranked into
 * its window's list. A result seen again (a replay under at-least-once) replaces the product's entry
 * rather than counting twice.
 */
export function addTopProducts(
  finalSales: KStream<string, WindowResult<ProductSales>>,
  topics: ShopTopics = TOPICS,
): void {
  const topJson = Serdes.Json<TopProducts>();
  finalSales
    .map((productId, sales) => ({
      key: String(sales.windowStartMs),
      value: { ...sales, result: { productId, ...sales.result } },
    }))
    .groupByKey(Grouped.with(S, Serdes.Json<WindowResult<RankedProduct>>()).withName('sales-by-minute'))
    .aggregate<TopProducts>(
      () => ({ windowStartMs: 0, windowEndMs: 0, products: [] }),
      (_minute, sales, top) => ({
        windowStartMs: sales.windowStartMs,
        windowEndMs: sales.windowEndMs,
        products: rank(top.products, sales.result),
      }),
      Materialized.as<string, TopProducts>(TOP_PRODUCTS_STORE).withValueSerde(topJson),
    )
    .toStream()
    .filter((_minute, top) => top !== null)
    .to(topics.topProducts.name, Produced.with(S, topJson));
}

/** `products` with `entry` in its place (replacing the product's previous entry), cut to TOP_N. */
export function rank(products: readonly RankedProduct[], entry: RankedProduct): RankedProduct[] {
  return [...products.filter((p) => p.productId !== entry.productId), entry]
    .sort(
      (a, b) =>
        b.revenueCents - a.revenueCents ||
        a.units - b.units ||
        (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0),
    )
    .slice(0, TOP_N);
}
