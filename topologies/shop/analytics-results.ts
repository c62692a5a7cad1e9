// What the shop's analytics produce, and the windows' timing, shared by its parts.

export const MINUTE_MS = 60_000;
/** How late an event may arrive and still count in its window. */
export const ANALYTICS_GRACE_MS = 10_000;
/** How long the stores keep closed windows, so the API and the dashboard can show the last hour. */
export const ANALYTICS_RETENTION_MS = 60 * MINUTE_MS;

/** A product's sales in a window. */
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
