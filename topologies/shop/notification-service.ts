import { type KStream, Produced, Serdes, withRetries } from 'rivulet';
import type { OrderEvent } from './order-events.js';
import { type ShopTopics, TOPICS } from './topics.js';

/** What the customer is told. */
export interface Notification {
  readonly schemaVersion: 1;
  readonly orderId: string;
  readonly kind: 'order-confirmed' | 'order-cancelled';
  readonly reason?: string;
}

/** Sends a notification; throws when it could not (then it is retried, and dead-lettered at last). Synchronous. */
export type NotificationSender = (notification: Notification) => void;

export interface NotificationOptions {
  /** The sender; by default a simulated one that fails at `failureRate`. */
  readonly sender?: NotificationSender;
  /** The share of attempts the simulated sender fails (0..1); 0 by default. 1 is an outage. */
  readonly failureRate?: number;
  /** Wall-clock delays before the retries; 1 s then 10 s by default: 3 failed attempts, then the dead-letter topic. */
  readonly retryDelaysMs?: readonly number[];
  readonly retryCheckIntervalMs?: number;
}

/** The store of notifications waiting for a retry. */
export const NOTIFICATION_RETRIES_STORE = 'notification-retries';

const S = Serdes.String();

/**
 * Notifications: a confirmed or cancelled order tells its customer, through a sender that may
 * fail. A failure is retried after each delay (the library's withRetries: a store and a
 * punctuator, so nothing waits behind it); after the last, the notification goes to
 * `notifications-dlq` with the error in its headers. An order's state never depends on it.
 */
export function addNotificationService(
  orderEvents: KStream<string, OrderEvent>,
  topics: ShopTopics = TOPICS,
  options: NotificationOptions = {},
): void {
  const failureRate = options.failureRate ?? 0;
  const sender = options.sender ?? ((n: Notification) => simulatedSend(n, failureRate));
  const notifications = orderEvents.flatMapValues((event): Notification[] => {
    if (event.type === 'OrderConfirmed')
      return [{ schemaVersion: 1, orderId: event.orderId, kind: 'order-confirmed' }];
    if (event.type === 'OrderCancelled')
      return [{ schemaVersion: 1, orderId: event.orderId, kind: 'order-cancelled', reason: event.reason }];
    return [];
  });
  withRetries(notifications, {
    name: NOTIFICATION_RETRIES_STORE,
    keySerde: S,
    valueSerde: Serdes.Json<Notification>(),
    attempt: (_orderId, notification) => sender(notification),
    delaysMs: options.retryDelaysMs ?? [1_000, 10_000],
    deadLetterTopic: topics.notificationsDlq.name,
    checkIntervalMs: options.retryCheckIntervalMs ?? 1_000,
  }).to(topics.notificationsSent.name, Produced.with(S, Serdes.Json<Notification>()));
}

function simulatedSend(notification: Notification, failureRate: number): void {
  if (Math.random() < failureRate)
    throw new Error(
      `the mail service refused the ${notification.kind} notification of order ${notification.orderId}`,
    );
}
