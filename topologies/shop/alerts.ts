import { EmitStrategy, Grouped, type KStream, Materialized, Produced, Serdes, TimeWindows } from 'rivulet';
import { ANALYTICS_GRACE_MS, MINUTE_MS, type WindowResult } from './analytics-results.js';
import type { InventoryEvent } from './inventory-events.js';
import type { PaymentEvent } from './payment-events.js';
import { type ShopTopics, TOPICS } from './topics.js';

/** The latest alert of each type (queryable, keyed by the alert's type). */
export const LATEST_ALERTS_STORE = 'latest-alerts';
const PAYMENT_OUTCOMES_STORE = 'payment-outcomes-per-minute';
const ORDER_RATE_TREND_STORE = 'order-rate-trend';

export interface AlertOptions {
  /** Alert when more than this share of a minute's payments is declined; 0.2 by default. */
  readonly paymentFailureRate?: number;
  /** …and the minute has at least this many payments; 20 by default. */
  readonly minPayments?: number;
  /** Alert when a 5-minute order count falls by more than this share from the window before; 0.5 by default. */
  readonly orderRateDrop?: number;
  /** …and the window before had at least this many orders; 20 by default. */
  readonly minOrders?: number;
}

export interface PaymentFailureRateHigh {
  readonly schemaVersion: 1;
  readonly type: 'PaymentFailureRateHigh';
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  readonly payments: number;
  readonly declined: number;
  readonly failureRate: number;
  readonly threshold: number;
}

export interface OrderRateDropped {
  readonly schemaVersion: 1;
  readonly type: 'OrderRateDropped';
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  readonly orders: number;
  readonly previousOrders: number;
  readonly drop: number;
  readonly threshold: number;
}

export type ShopAlert = PaymentFailureRateHigh | OrderRateDropped;

interface PaymentOutcomes {
  readonly payments: number;
  readonly declined: number;
}

interface OrderRateTrend {
  readonly previous: WindowResult<number> | null;
  readonly latest: WindowResult<number> | null;
}

const S = Serdes.String();

/**
 * Alerts as events on the alerts topic, keyed by type: a minute whose payments were declined more
 * than the threshold (final results of a tumbling window), and a 5-minute order count that fell
 * sharply from the window before (consecutive final results of the hopping order-rate window).
 */
export function addAlerts(
  replies: KStream<string, InventoryEvent | PaymentEvent>,
  finalOrderRate: KStream<string, WindowResult<number>>,
  topics: ShopTopics = TOPICS,
  options: AlertOptions = {},
): void {
  const { paymentFailureRate = 0.2, minPayments = 20, orderRateDrop = 0.5, minOrders = 20 } = options;
  for (const [name, share] of [
    ['paymentFailureRate', paymentFailureRate],
    ['orderRateDrop', orderRateDrop],
  ] as const)
    if (!(share >= 0 && share <= 1))
      throw new Error(`alert option ${name} must be a share between 0 and 1, got ${share}`);
  for (const [name, count] of [
    ['minPayments', minPayments],
    ['minOrders', minOrders],
  ] as const)
    if (!(Number.isInteger(count) && count >= 1))
      throw new Error(`alert option ${name} must be a whole number >= 1, got ${count}`);
  const alertJson = Serdes.Json<ShopAlert>();

  const paymentAlerts = replies
    .flatMap((_orderId, e) =>
      e.type === 'PaymentProcessed' || e.type === 'PaymentDeclined'
        ? [{ key: 'all', value: { payments: 1, declined: e.type === 'PaymentDeclined' ? 1 : 0 } }]
        : [],
    )
    .groupByKey(Grouped.with(S, Serdes.Json<PaymentOutcomes>()).withName('payment-outcomes'))
    .windowedBy(TimeWindows.ofSizeAndGrace(MINUTE_MS, ANALYTICS_GRACE_MS))
    .emitStrategy(EmitStrategy.onWindowClose())
    .reduce(
      (a, b) => ({ payments: a.payments + b.payments, declined: a.declined + b.declined }),
      Materialized.as<string, PaymentOutcomes>(PAYMENT_OUTCOMES_STORE).withValueSerde(
        Serdes.Json<PaymentOutcomes>(),
      ),
    )
    .toStream()
    .flatMap((window, o): { key: string; value: ShopAlert }[] =>
      o !== null && o.payments >= minPayments && o.declined / o.payments > paymentFailureRate
        ? [
            {
              key: 'PaymentFailureRateHigh',
              value: {
                schemaVersion: 1,
                type: 'PaymentFailureRateHigh',
                windowStartMs: window.startMs,
                windowEndMs: window.endMs,
                payments: o.payments,
                declined: o.declined,
                failureRate: o.declined / o.payments,
                threshold: paymentFailureRate,
              },
            },
          ]
        : [],
    );

  const rateAlerts = finalOrderRate
    .groupByKey(Grouped.with(S, Serdes.Json<WindowResult<number>>()).withName('order-rate-windows'))
    .aggregate<OrderRateTrend>(
      () => ({ previous: null, latest: null }),
      (_all, window, trend) => ({ previous: trend.latest, latest: window }),
      Materialized.as<string, OrderRateTrend>(ORDER_RATE_TREND_STORE).withValueSerde(
        Serdes.Json<OrderRateTrend>(),
      ),
    )
    .toStream()
    .flatMap((_all, trend): { key: string; value: ShopAlert }[] => {
      const { previous, latest } = trend ?? { previous: null, latest: null };
      if (previous === null || latest === null || previous.result < minOrders) return [];
      const drop = 1 - latest.result / previous.result;
      return drop > orderRateDrop
        ? [
            {
              key: 'OrderRateDropped',
              value: {
                schemaVersion: 1,
                type: 'OrderRateDropped',
                windowStartMs: latest.windowStartMs,
                windowEndMs: latest.windowEndMs,
                orders: latest.result,
                previousOrders: previous.result,
                drop,
                threshold: orderRateDrop,
              },
            },
          ]
        : [];
    });

  const alerts = paymentAlerts.merge(rateAlerts);
  alerts.to(topics.alerts.name, Produced.with(S, alertJson));
  alerts.toTable(
    Materialized.as<string, ShopAlert>(LATEST_ALERTS_STORE).withKeySerde(S).withValueSerde(alertJson),
  );
}
