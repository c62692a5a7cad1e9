/** An order placed in the shop, as the demo's generator writes it to the `orders` topic. */
export interface OrderPlaced {
  readonly orderId: string;
  readonly customerId: string;
  readonly product: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
}

/** Running totals per product, kept in the `sales-by-product` store. */
export interface ProductSales {
  readonly orders: number;
  readonly units: number;
  readonly revenueCents: number;
}

export const PRODUCTS = ['keyboard', 'mouse', 'monitor', 'laptop', 'headset', 'webcam'] as const;
