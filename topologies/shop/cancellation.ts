import { type KStream, Produced, Serdes } from 'rivulet';
import type { InventoryCommand } from './inventory-events.js';
import type { OrderEvent } from './order-events.js';
import type { PaymentCommand } from './payment-events.js';
import { type ShopTopics, TOPICS } from './topics.js';

const S = Serdes.String();

/**
 * A confirmed order that is cancelled gives back what its saga took: its items are released and
 * its payment refunded (the saga is over by then; a placed order's cancellation is the saga's own
 * doing, with its own compensations). Command ids derive from the order id, so a redelivery is a repeat.
 */
export function addCancellationCompensations(
  orderEvents: KStream<string, OrderEvent>,
  topics: ShopTopics = TOPICS,
): void {
  const cancelledConfirmed = orderEvents.filter(
    (_orderId, event) => event.type === 'OrderCancelled' && event.previousStatus === 'confirmed',
  );
  cancelledConfirmed
    .mapValues(
      (event): InventoryCommand => ({
        schemaVersion: 1,
        type: 'ReleaseItems',
        commandId: `cancel-release-${event.orderId}`,
        orderId: event.orderId,
      }),
    )
    .to(topics.inventoryCommands.name, Produced.with(S, Serdes.Json<InventoryCommand>()));
  cancelledConfirmed
    .mapValues(
      (event): PaymentCommand => ({
        schemaVersion: 1,
        type: 'RefundPayment',
        commandId: `cancel-refund-${event.orderId}`,
        orderId: event.orderId,
      }),
    )
    .to(topics.paymentCommands.name, Produced.with(S, Serdes.Json<PaymentCommand>()));
}
