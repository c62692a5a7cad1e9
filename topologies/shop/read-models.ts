import {
  Consumed,
  Grouped,
  type KStream,
  Materialized,
  type SagaEvent,
  type SagaStatus,
  Serdes,
  type StreamsBuilder,
} from 'rivulet';
import { addDeadLetterView } from './dead-letters.js';
import type { InventoryEvent } from './inventory-events.js';
import type { OrderEvent, OrderLine, OrderStatus } from './order-events.js';
import type { PaymentEvent } from './payment-events.js';
import { type ShopTopics, TOPICS } from './topics.js';

// The CQRS read models: views made from the events for reading, each a queryable store the query
// server serves (keys, entries, live changes) — the write side (the order aggregate) never reads them.

/** Each order with its lines, status history and the inventory and payment outcome, by order id. */
export const ORDER_DETAILS_STORE = 'order-details';
/** Each customer's orders (status and total), by customer id. */
export const CUSTOMER_ORDERS_STORE = 'customer-orders';
/** The order sagas in numbers, under the key `all`: running, completed, compensated, durations. */
export const SAGA_MONITOR_STORE = 'saga-monitor';
export const SAGA_MONITOR_KEY = 'all';

export interface OrderDetails {
  readonly orderId: string;
  /** Empty until the OrderPlaced event has been read (another topic's event may come first). */
  readonly customerId: string;
  readonly status: OrderStatus | 'unknown';
  /** The order's version: that of its latest event. */
  readonly version: number;
  readonly lines: readonly OrderLine[];
  readonly totalCents: number;
  /** Every event of the order from any service, in the order they were read: type and details. */
  readonly history: readonly { readonly type: string; readonly detail?: string }[];
  readonly inventory: 'reserved' | 'insufficient' | 'released' | null;
  readonly payment: 'paid' | 'declined' | 'refunded' | null;
}

export interface OrderSummary {
  readonly orderId: string;
  readonly status: OrderDetails['status'];
  readonly version: number;
  readonly totalCents: number;
}

export interface CustomerOrders {
  readonly customerId: string;
  /** Newest change last: an order moves to the end when it changes. */
  readonly orders: readonly OrderSummary[];
}

/** The order sagas so far. Mean duration = endedDurationMs / (completed + compensated). */
export interface SagaMonitor {
  readonly running: number;
  readonly completed: number;
  readonly compensated: number;
  /** The summed durations (start to end) of the sagas that ended. */
  readonly endedDurationMs: number;
}

/** One saga as the monitor counts it. */
interface SagaSummary {
  readonly status: SagaStatus;
  readonly startedAtMs: number;
  readonly endedAtMs: number | null;
}

type ShopEvent = OrderEvent | InventoryEvent | PaymentEvent;

const S = Serdes.String();
const detailsSerde = Serdes.Json<OrderDetails>();

/**
 * Order details from the order, inventory and payment events (all keyed by order id, so each
 * order's events meet in one task), the customer history re-keyed from those details, and the
 * saga monitor from the saga's events.
 */
export function addReadModels(
  builder: StreamsBuilder,
  orderEvents: KStream<string, OrderEvent>,
  replies: KStream<string, InventoryEvent | PaymentEvent>,
  topics: ShopTopics = TOPICS,
): void {
  const asShopEvents = (e: ShopEvent): ShopEvent => e;
  const details = orderEvents
    .mapValues(asShopEvents)
    .merge(replies.mapValues(asShopEvents))
    .groupByKey(Grouped.with(S, Serdes.Json<ShopEvent>()).withName('order-details-events'))
    .aggregate<OrderDetails>(
      () => EMPTY_DETAILS,
      (orderId, event, current) => withEvent({ ...current, orderId }, event),
      Materialized.as<string, OrderDetails>(ORDER_DETAILS_STORE).withValueSerde(detailsSerde),
    );

  details
    .filter((_orderId, d) => d.customerId !== '')
    .groupBy(
      (orderId, d) => ({ key: d.customerId, value: summary(orderId, d) }),
      Grouped.with(S, Serdes.Json<OrderSummary>()).withName('orders-by-customer'),
    )
    .aggregate<CustomerOrders>(
      () => ({ customerId: '', orders: [] }),
      (customerId, order, history) => ({ customerId, orders: [...history.orders, order] }),
      (customerId, order, history) => ({
        customerId,
        orders: history.orders.filter((o) => o.orderId !== order.orderId),
      }),
      Materialized.as<string, CustomerOrders>(CUSTOMER_ORDERS_STORE).withValueSerde(
        Serdes.Json<CustomerOrders>(),
      ),
    );

  addSagaMonitor(builder, topics);
  addDeadLetterView(builder, topics);
}

/**
 * The saga monitor: each saga summed up from its events (started, then completed or
 * compensated), and every summary counted under one key — a table aggregate, so a saga that ends
 * moves from running to its end (subtract its old summary, add the new).
 */
function addSagaMonitor(builder: StreamsBuilder, topics: ShopTopics): void {
  const summarySerde = Serdes.Json<SagaSummary>();
  builder
    .stream<string, SagaEvent<string>>(
      topics.sagaEvents.name,
      Consumed.with(S, Serdes.Json<SagaEvent<string>>()),
    )
    .filter(
      (_orderId, e) => e.type === 'SagaStarted' || e.type === 'SagaCompleted' || e.type === 'SagaCompensated',
    )
    .groupByKey(Grouped.with(S, Serdes.Json<SagaEvent<string>>()).withName('saga-monitor-events'))
    .aggregate<SagaSummary>(
      () => ({ status: 'running', startedAtMs: 0, endedAtMs: null }),
      (_orderId, e, summary) =>
        e.type === 'SagaStarted'
          ? { ...summary, startedAtMs: e.timestampMs }
          : {
              ...summary,
              status: e.type === 'SagaCompleted' ? 'completed' : 'compensated',
              endedAtMs: e.timestampMs,
            },
      Materialized.with(S, summarySerde),
    )
    .groupBy(
      (_orderId, summary) => ({ key: SAGA_MONITOR_KEY, value: summary }),
      Grouped.with(S, summarySerde).withName('sagas-all'),
    )
    .aggregate<SagaMonitor>(
      () => ({ running: 0, completed: 0, compensated: 0, endedDurationMs: 0 }),
      (_all, summary, monitor) => count(monitor, summary, 1),
      (_all, summary, monitor) => count(monitor, summary, -1),
      Materialized.as<string, SagaMonitor>(SAGA_MONITOR_STORE).withValueSerde(Serdes.Json<SagaMonitor>()),
    );
}

/** The monitor with one saga's summary added (sign 1) or taken away (-1). */
function count(monitor: SagaMonitor, summary: SagaSummary, sign: 1 | -1): SagaMonitor {
  const duration = summary.endedAtMs === null ? 0 : summary.endedAtMs - summary.startedAtMs;
  return {
    ...monitor,
    [summary.status]: monitor[summary.status] + sign,
    endedDurationMs: monitor.endedDurationMs + sign * duration,
  };
}

const EMPTY_DETAILS: OrderDetails = {
  orderId: '',
  customerId: '',
  status: 'unknown',
  version: 0,
  lines: [],
  totalCents: 0,
  history: [],
  inventory: null,
  payment: null,
};

/** The details after one more event of the order. */
export function withEvent(d: OrderDetails, event: ShopEvent): OrderDetails {
  const history = [...d.history, { type: event.type, ...detailOf(event) }];
  switch (event.type) {
    case 'OrderPlaced':
      return {
        ...d,
        customerId: event.customerId,
        status: 'placed',
        version: event.version,
        lines: event.lines,
        totalCents: event.totalCents,
        history,
      };
    case 'OrderConfirmed':
      return { ...d, status: 'confirmed', version: event.version, history };
    case 'OrderCancelled':
      return { ...d, status: 'cancelled', version: event.version, history };
    case 'CommandRejected':
      return { ...d, history };
    case 'InventoryReserved':
      return { ...d, inventory: 'reserved', history };
    case 'InventoryInsufficient':
      return { ...d, inventory: 'insufficient', history };
    case 'InventoryReleased':
      return { ...d, inventory: 'released', history };
    case 'PaymentProcessed':
      return { ...d, payment: 'paid', history };
    case 'PaymentDeclined':
      return { ...d, payment: 'declined', history };
    case 'PaymentRefunded':
      return { ...d, payment: 'refunded', history };
  }
}

function detailOf(event: ShopEvent): { detail?: string } {
  switch (event.type) {
    case 'OrderCancelled':
      return { detail: event.reason };
    case 'CommandRejected':
      return { detail: `${event.commandType}: ${event.reason}` };
    case 'InventoryInsufficient':
      return {
        detail: event.shortages.map((s) => `${s.productId} ${s.available} of ${s.requested}`).join(', '),
      };
    case 'PaymentDeclined':
      return { detail: event.reason };
    default:
      return {};
  }
}

function summary(orderId: string, d: OrderDetails): OrderSummary {
  return { orderId, status: d.status, version: d.version, totalCents: d.totalCents };
}
