import {
  Consumed,
  createTopics,
  type KStream,
  type SchemaRegistryConfig,
  Serdes,
  StreamsBuilder,
  type Topology,
} from 'rivulet';
import type { AlertOptions } from './alerts.js';
import { addAnalytics } from './analytics.js';
import { addCancellationCompensations } from './cancellation.js';
import type { InventoryEvent } from './inventory-events.js';
import { addInventoryService } from './inventory-service.js';
import { addNotificationService, type NotificationOptions } from './notification-service.js';
import { orderEventSerde } from './order-event-serde.js';
import type { OrderEvent } from './order-events.js';
import { addOrderSaga, type OrderSagaOptions } from './order-saga.js';
import { addOrderService } from './order-service.js';
import type { PaymentEvent } from './payment-events.js';
import { addPaymentService, type PaymentOptions } from './payment-service.js';
import { addReadModels } from './read-models.js';
import { type ShopTopics, TOPICS } from './topics.js';

/** The shop's services; a process can run any of them (`npm start -- --role`). */
export const SHOP_SERVICES = [
  'orders',
  'inventory',
  'payments',
  'saga',
  'notifications',
  'analytics',
  'views',
] as const;
export type ShopService = (typeof SHOP_SERVICES)[number];

export interface ShopOptions {
  /** The services to run; all of them by default. */
  readonly services?: readonly ShopService[];
  readonly payments?: PaymentOptions;
  readonly saga?: OrderSagaOptions;
  readonly notifications?: NotificationOptions;
  readonly alerts?: AlertOptions;
  /**
   * Where to register the order events' JSON Schema: `order-events` is then written and read in
   * Confluent's wire format, each event validated (order-event-serde.ts). Plain JSON without.
   */
  readonly schemaRegistry?: SchemaRegistryConfig;
}

/**
 * The shop's services in one topology: all of them, or those of `options.services` (processes of
 * different services are different applications, each with an applicationId of its own).
 */
export function shopTopology(topics: ShopTopics = TOPICS, options: ShopOptions = {}): Topology {
  const services = new Set<ShopService>(options.services ?? SHOP_SERVICES);
  const builder = new StreamsBuilder();
  const orderEvents = orderEventSerde(options.schemaRegistry);
  if (services.has('orders')) addOrderService(builder, topics, orderEvents);
  if (services.has('inventory')) addInventoryService(builder, topics);
  if (services.has('payments')) addPaymentService(builder, topics, options.payments);
  // The saga, the notifications, the analytics and the read models follow the order events, and
  // the saga and the read models the participants' answers: one source each, shared.
  let orderEventsSource: KStream<string, OrderEvent> | undefined;
  const followed = () =>
    (orderEventsSource ??= builder.stream<string, OrderEvent>(
      topics.orderEvents.name,
      Consumed.with(Serdes.String(), orderEvents),
    ));
  let repliesSource: KStream<string, InventoryEvent | PaymentEvent> | undefined;
  const replies = () =>
    (repliesSource ??= builder.stream<string, InventoryEvent | PaymentEvent>(
      [topics.inventoryEvents.name, topics.paymentEvents.name],
      Consumed.with(Serdes.String(), Serdes.Json<InventoryEvent | PaymentEvent>()),
    ));
  if (services.has('saga')) addOrderSaga(followed(), replies(), topics, options.saga);
  if (services.has('notifications')) addNotificationService(followed(), topics, options.notifications);
  if (services.has('saga')) addCancellationCompensations(followed(), topics);
  if (services.has('analytics')) addAnalytics(followed(), replies(), topics, options.alerts);
  if (services.has('views')) addReadModels(builder, followed(), replies(), topics);
  return builder.build();
}

/** Creates the shop's topics (those that exist are left as they are), on Kafka or on the embedded log. */
export function createShopTopics(
  bootstrapServers: string,
  topics: ShopTopics = TOPICS,
  replicationFactor?: number,
): Promise<void> {
  return createTopics(
    bootstrapServers,
    Object.values(topics).map((t) => ({ ...t, ...(replicationFactor ? { replicationFactor } : {}) })),
  );
}
