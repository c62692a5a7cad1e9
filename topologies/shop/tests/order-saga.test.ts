import { type SagaEvent, Serdes, type TopologyTestDriver } from 'rivulet';
import { afterEach, describe, expect, it } from 'vitest';
import { DEAD_LETTERS_STORE, type DeadLetter } from '../dead-letters.js';
import type { ProductStock } from '../inventory-events.js';
import { available, STOCK_STORE } from '../inventory-service.js';
import type { Notification } from '../notification-service.js';
import type { OrderEvent, OrderState } from '../order-events.js';
import { ORDERS_STORE } from '../order-service.js';
import type { PaymentEvent } from '../payment-events.js';
import type { PaymentOutcome } from '../payment-service.js';
import { TOPICS } from '../topics.js';
import { shopDriver } from './shop-driver.js';

// The shop's cases end to end on the TopologyTestDriver (one process, every service): the happy
// path, insufficient inventory, a declined payment, a payment that never answers, a duplicate order.

const S = Serdes.String();
let driver: TopologyTestDriver | undefined;
afterEach(() => {
  driver?.close();
  driver = undefined;
});

function shop(payment: (orderId: string) => PaymentOutcome = () => 'pay', notificationFailureRate = 0) {
  const shop = shopDriver({
    payments: { outcome: payment },
    saga: { stepTimeoutMs: 10_000, timeoutCheckIntervalMs: 1_000 },
    notifications: { failureRate: notificationFailureRate },
  });
  driver = shop.driver;
  const orderEvents = driver.createOutputTopic(TOPICS.orderEvents.name, S, Serdes.Json<OrderEvent>());
  const payments = driver.createOutputTopic(TOPICS.paymentEvents.name, S, Serdes.Json<PaymentEvent>());
  const sagaEvents = driver.createOutputTopic(TOPICS.sagaEvents.name, S, Serdes.Json<SagaEvent<string>>());
  const sent = driver.createOutputTopic(TOPICS.notificationsSent.name, S, Serdes.Json<Notification>());
  const dlq = driver.createOutputTopic(TOPICS.notificationsDlq.name, S, Serdes.Json<Notification>());
  const d = driver;
  return {
    place: (orderId: string, lines: Record<string, number>, commandId?: string) =>
      shop.place(orderId, lines, { commandId }),
    cancel: shop.cancel,
    order: (orderId: string) => d.getKeyValueStore<string, OrderState>(ORDERS_STORE).get(orderId),
    orderEvents: () => orderEvents.readValuesToList().map((e) => e!.type),
    payments: () => payments.readValuesToList().map((e) => e!.type),
    saga: () => sagaEvents.readValuesToList().map((e) => [e!.type, e!.step ?? e!.reason]),
    notified: () => sent.readValuesToList().map((n) => [n!.orderId, n!.kind]),
    deadLetters: () => dlq.readRecordsToList(),
    available: (productId: string) =>
      available(d.getKeyValueStore<string, ProductStock>(STOCK_STORE).get(productId)!),
  };
}

describe('the shop, every service in one topology', () => {
  it('happy path: placed → reserved → paid → confirmed', () => {
    const s = shop();
    s.place('o1', { keyboard: 2, mouse: 1 });
    expect(s.orderEvents()).toEqual(['OrderPlaced', 'OrderConfirmed']);
    expect(s.order('o1')).toMatchObject({ status: 'confirmed', version: 2, totalCents: 3_000 });
    expect([s.available('keyboard'), s.available('mouse')]).toEqual([3, 0]);
    expect(s.payments()).toEqual(['PaymentProcessed']);
    expect(s.notified()).toEqual([['o1', 'order-confirmed']]);
    expect(s.saga()).toEqual([
      ['SagaStarted', null],
      ['StepRequested', 'reserve-inventory'],
      ['StepSucceeded', 'reserve-inventory'],
      ['StepRequested', 'process-payment'],
      ['StepSucceeded', 'process-payment'],
      ['SagaCompleted', null],
    ]);
  });

  it('insufficient inventory: placed → insufficient → cancelled, stock unchanged, nothing paid', () => {
    const s = shop();
    s.place('o2', { keyboard: 1, mouse: 2 });
    expect(s.orderEvents()).toEqual(['OrderPlaced', 'OrderCancelled']);
    expect(s.order('o2')).toMatchObject({ status: 'cancelled' });
    expect([s.available('keyboard'), s.available('mouse')]).toEqual([5, 1]);
    expect(s.payments()).toEqual([]);
    expect(s.saga().slice(-2)).toEqual([
      ['StepFailed', 'reserve-inventory'],
      ['SagaCompensated', 'insufficient inventory: mouse (requested 2, available 1)'],
    ]);
  });

  it('payment declined: the items are released and the order cancelled', () => {
    const s = shop(() => 'decline');
    s.place('o3', { keyboard: 2 });
    expect(s.orderEvents()).toEqual(['OrderPlaced', 'OrderCancelled']);
    expect(s.available('keyboard')).toBe(5);
    expect(s.payments()).toEqual(['PaymentDeclined']);
    expect(s.saga().slice(-3)).toEqual([
      ['StepFailed', 'process-payment'],
      ['CompensationRequested', 'reserve-inventory'],
      ['SagaCompensated', 'payment declined: card declined'],
    ]);
  });

  it('payment timeout: after the step timeout the items are released, the payment refunded and the order cancelled', () => {
    const s = shop(() => 'no-answer');
    s.place('o4', { keyboard: 1 });
    expect(s.orderEvents()).toEqual(['OrderPlaced']);
    expect(s.available('keyboard')).toBe(4);
    driver!.advanceWallClockTime(9_000);
    expect(s.order('o4')).toMatchObject({ status: 'placed' });
    driver!.advanceWallClockTime(2_000);
    expect(s.orderEvents()).toEqual(['OrderCancelled']);
    expect(s.available('keyboard')).toBe(5);
    expect(s.payments()).toEqual(['PaymentRefunded']);
    expect(s.saga().slice(-4)).toEqual([
      ['StepTimedOut', 'process-payment'],
      ['CompensationRequested', 'process-payment'],
      ['CompensationRequested', 'reserve-inventory'],
      ['SagaCompensated', 'step process-payment timed out'],
    ]);
  });

  it('a duplicate PlaceOrder starts nothing: one order, one saga, one reservation', () => {
    const s = shop();
    s.place('o5', { keyboard: 1 });
    s.place('o5', { keyboard: 1 }); // the same idempotency key
    s.place('o5', { keyboard: 1 }, 'another-key'); // refused: the order exists
    expect(s.orderEvents()).toEqual(['OrderPlaced', 'OrderConfirmed', 'CommandRejected']);
    expect(s.available('keyboard')).toBe(4);
    expect(s.saga().filter(([type]) => type === 'SagaStarted')).toHaveLength(1);
  });

  it('notification outage: three failed attempts, then the dead-letter topic; the order stays confirmed', () => {
    const s = shop(() => 'pay', 1);
    s.place('o6', { keyboard: 1 });
    expect(s.orderEvents()).toEqual(['OrderPlaced', 'OrderConfirmed']);
    driver!.advanceWallClockTime(1_000);
    expect(s.deadLetters()).toEqual([]);
    driver!.advanceWallClockTime(10_000);
    const dead = s.deadLetters();
    expect(dead.map((r) => [r.key, (r.value as Notification).kind])).toEqual([['o6', 'order-confirmed']]);
    const header = (name: string) => dead[0]!.headers?.find((h) => h.key === name)?.value.toString();
    expect(header('rivulet.retry.attempts')).toBe('3');
    expect(header('rivulet.retry.error')).toMatch(/refused the order-confirmed notification of order o6/);
    expect(s.notified()).toEqual([]);
    expect(s.order('o6')).toMatchObject({ status: 'confirmed' });
    // the dead-letter view (the dashboard's list) has it with the error from the headers
    expect(
      driver!.getKeyValueStore<string, DeadLetter>(DEAD_LETTERS_STORE).get('o6/order-confirmed'),
    ).toEqual({
      notification: { schemaVersion: 1, orderId: 'o6', kind: 'order-confirmed' },
      error: expect.stringMatching(/refused the order-confirmed notification of order o6/),
      attempts: 3,
      deadLetteredAtMs: dead[0]!.timestampMs,
    });
    driver!.advanceWallClockTime(120_000);
    expect(s.deadLetters()).toEqual([]); // exactly once
  });

  it('cancel after confirm: the items are released and the payment refunded', () => {
    const s = shop();
    s.place('o7', { keyboard: 3 });
    expect(s.orderEvents()).toEqual(['OrderPlaced', 'OrderConfirmed']);
    expect(s.available('keyboard')).toBe(2);
    s.payments();
    s.cancel('o7', 2);
    expect(s.orderEvents()).toEqual(['OrderCancelled']);
    expect(s.order('o7')).toMatchObject({ status: 'cancelled', version: 3 });
    expect(s.available('keyboard')).toBe(5);
    expect(s.payments()).toEqual(['PaymentRefunded']);
    expect(s.notified()).toEqual([
      ['o7', 'order-confirmed'],
      ['o7', 'order-cancelled'],
    ]);
  });
});
