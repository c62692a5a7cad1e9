import {
  BufferConfig,
  Grouped,
  type KStream,
  Materialized,
  Produced,
  Serdes,
  SessionWindows,
  Suppressed,
} from 'rivulet';
import { ANALYTICS_GRACE_MS, ANALYTICS_RETENTION_MS, type WindowResult } from './analytics-results.js';
import type { OrderEvent } from './order-events.js';
import { type ShopTopics, TOPICS } from './topics.js';

/** Each customer's sessions of activity (queryable: GET /stores/customer-sessions/keys/:id/sessions). */
export const CUSTOMER_SESSIONS_STORE = 'customer-sessions';
/** A customer's session ends after this long without an order. */
export const SESSION_GAP_MS = 5 * 60_000;

export interface CustomerSession {
  readonly orders: number;
  readonly revenueCents: number;
}

const S = Serdes.String();

/**
 * Sessions of customer activity: a customer's orders with less than SESSION_GAP_MS between them
 * make one session; its final result (orders, revenue) goes out once it closes.
 */
export function addCustomerSessions(placed: KStream<string, OrderEvent>, topics: ShopTopics = TOPICS): void {
  const sessionJson = Serdes.Json<CustomerSession>();
  placed
    .flatMap((_orderId, event) =>
      event.type === 'OrderPlaced'
        ? [{ key: event.customerId, value: { orders: 1, revenueCents: event.totalCents } }]
        : [],
    )
    .groupByKey(Grouped.with(S, sessionJson).withName('customer-activity'))
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(SESSION_GAP_MS, ANALYTICS_GRACE_MS))
    .aggregate<CustomerSession>(
      () => ({ orders: 0, revenueCents: 0 }),
      (_customer, order, session) => add(session, order),
      (_customer, a, b) => add(a, b),
      Materialized.as<string, CustomerSession>(CUSTOMER_SESSIONS_STORE)
        .withValueSerde(sessionJson)
        .withRetention(ANALYTICS_RETENTION_MS),
    )
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName('customer-sessions-final'))
    .toStream()
    .flatMap((session, result) =>
      result === null
        ? []
        : [
            {
              key: session.key,
              value: { windowStartMs: session.startMs, windowEndMs: session.endMs, result },
            },
          ],
    )
    .to(topics.customerSessions.name, Produced.with(S, Serdes.Json<WindowResult<CustomerSession>>()));
}

function add(a: CustomerSession, b: CustomerSession): CustomerSession {
  return { orders: a.orders + b.orders, revenueCents: a.revenueCents + b.revenueCents };
}
