import { Consumed, createTopics, Serdes, StreamsBuilder, type Topology } from 'rivulet';
import { addAnalytics } from './analytics.js';
import { addCancellationCompensations } from './cancellation.js';
import type { InventoryEvent } from './inventory-events.js';
import { addInventoryService } from './inventory-service.js';
import { addNotificationService, type NotificationOptions } from './notification-service.js';
import type { OrderEvent } from './order-events.js';
import { addOrderSaga, type OrderSagaOptions } from './order-saga.js';
import { addOrderService } from './order-service.js';
import type { PaymentEvent } from './payment-events.js';
import { addPaymentService, type PaymentOptions } from './payment-service.js';
import { addReadModels } from './read-models.js';
import { type ShopTopics, TOPICS } from './topics.js';

export interface ShopOptions {
  readonly payments?: PaymentOptions;
  readonly saga?: OrderSagaOptions;
  readonly notifications?: NotificationOptions;
}

/** The shop's services in one topology (each service is also addable on its own, one per process). */
export function shopTopology(topics: ShopTopics = TOPICS, options: ShopOptions = {}): Topology {
  const builder = new StreamsBuilder();
  addOrderService(builder, topics);
  addInventoryService(builder, topics);
  addPaymentService(builder, topics, options.payments);
  // The saga, the notifications, the analytics and the read models follow the order events: one source, shared.
  const orderEvents = builder.stream<string, OrderEvent>(
    topics.orderEvents.name,
    Consumed.with(Serdes.String(), Serdes.Json<OrderEvent>()),
  );
  // The saga and the read models both follow the participants' answers.
  const replies = builder.stream<string, InventoryEvent | PaymentEvent>(
    [topics.inventoryEvents.name, topics.paymentEvents.name],
    Consumed.with(Serdes.String(), Serdes.Json<InventoryEvent | PaymentEvent>()),
  );
  addOrderSaga(orderEvents, replies, topics, options.saga);
  addNotificationService(orderEvents, topics, options.notifications);
  addCancellationCompensations(orderEvents, topics);
  addAnalytics(orderEvents, topics);
  addReadModels(builder, orderEvents, replies, topics);
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
