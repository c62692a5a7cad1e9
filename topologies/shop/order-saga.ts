import { type KStream, type SagaDefinition, type SagaReply, Serdes, saga } from 'rivulet';
import type { InventoryCommand, InventoryEvent } from './inventory-events.js';
import type { OrderCommand, OrderEvent, OrderLine } from './order-events.js';
import type { PaymentCommand, PaymentEvent } from './payment-events.js';
import { type ShopTopics, TOPICS } from './topics.js';

/** The state of every order's saga, by order id (queryable: the saga monitor reads it). */
export const ORDER_SAGAS_STORE = 'order-sagas';

/** What the saga carries from the placed order to its end. */
export interface OrderSagaData {
  readonly orderId: string;
  readonly customerId: string;
  readonly lines: readonly OrderLine[];
  readonly totalCents: number;
  readonly paymentId?: string;
}

export interface OrderSagaOptions {
  /** How long the inventory and the payment may take to answer (wall-clock ms); 10 s by default. */
  readonly stepTimeoutMs?: number;
  /** How often running sagas are checked for a timeout; 1 s by default. */
  readonly timeoutCheckIntervalMs?: number;
}

const S = Serdes.String();

/**
 * The order saga, on the library's saga pattern (following `orderEvents`, the stream of the
 * order-events topic): a placed order reserves its items, then is paid
 * for, then is confirmed; when the inventory is short, the payment is declined, or either does
 * not answer in time, what was done is undone (items released, payment refunded) and the order is
 * cancelled. Command ids derive from the order id, so every participant sees a resend as a repeat.
 */
export function addOrderSaga(
  orderEvents: KStream<string, OrderEvent>,
  replies: KStream<string, InventoryEvent | PaymentEvent>,
  topics: ShopTopics = TOPICS,
  options: OrderSagaOptions = {},
): void {
  const timeoutMs = options.stepTimeoutMs ?? 10_000;
  const placed = orderEvents.flatMapValues((event): OrderSagaData[] =>
    event.type === 'OrderPlaced'
      ? [
          {
            orderId: event.orderId,
            customerId: event.customerId,
            lines: event.lines,
            totalCents: event.totalCents,
          },
        ]
      : [],
  );
  const definition: SagaDefinition<string, OrderSagaData, InventoryEvent | PaymentEvent> = {
    name: ORDER_SAGAS_STORE,
    keySerde: S,
    eventsTopic: topics.sagaEvents.name,
    timeoutCheckIntervalMs: options.timeoutCheckIntervalMs ?? 1_000,
    steps: [
      {
        name: 'reserve-inventory',
        timeoutMs,
        request: (order) =>
          inventory(topics, {
            schemaVersion: 1,
            type: 'ReserveItems',
            commandId: `saga-reserve-${order.orderId}`,
            orderId: order.orderId,
            lines: order.lines,
          }),
        compensate: (order) =>
          inventory(topics, {
            schemaVersion: 1,
            type: 'ReleaseItems',
            commandId: `saga-release-${order.orderId}`,
            orderId: order.orderId,
          }),
      },
      {
        name: 'process-payment',
        timeoutMs,
        request: (order) =>
          payment(topics, {
            schemaVersion: 1,
            type: 'ProcessPayment',
            commandId: `saga-pay-${order.orderId}`,
            orderId: order.orderId,
            customerId: order.customerId,
            amountCents: order.totalCents,
          }),
        compensate: (order) =>
          payment(topics, {
            schemaVersion: 1,
            type: 'RefundPayment',
            commandId: `saga-refund-${order.orderId}`,
            orderId: order.orderId,
          }),
      },
    ],
    interpret: interpretReply,
    onCompleted: (order) =>
      orderCommand(topics, {
        schemaVersion: 1,
        type: 'ConfirmOrder',
        commandId: `saga-confirm-${order.orderId}`,
        orderId: order.orderId,
        expectedVersion: 1,
      }),
    onCompensated: (order, _id, reason) =>
      orderCommand(topics, {
        schemaVersion: 1,
        type: 'CancelOrder',
        commandId: `saga-cancel-${order.orderId}`,
        orderId: order.orderId,
        expectedVersion: 1,
        reason,
      }),
  };
  saga(placed, replies, definition);
}

/** What an inventory or payment event means to the saga (releases and refunds are not replies). */
function interpretReply(event: InventoryEvent | PaymentEvent): SagaReply<OrderSagaData> | null {
  switch (event.type) {
    case 'InventoryReserved':
      return { step: 'reserve-inventory', succeeded: true };
    case 'InventoryInsufficient':
      return {
        step: 'reserve-inventory',
        succeeded: false,
        reason: `insufficient inventory: ${event.shortages.map((s) => `${s.productId} (requested ${s.requested}, available ${s.available})`).join(', ')}`,
      };
    case 'PaymentProcessed':
      return { step: 'process-payment', succeeded: true, data: { paymentId: event.paymentId } };
    case 'PaymentDeclined':
      return { step: 'process-payment', succeeded: false, reason: `payment declined: ${event.reason}` };
    default:
      return null;
  }
}

const inventory = (topics: ShopTopics, value: InventoryCommand) => ({
  topic: topics.inventoryCommands.name,
  value,
});
const payment = (topics: ShopTopics, value: PaymentCommand) => ({
  topic: topics.paymentCommands.name,
  value,
});
const orderCommand = (topics: ShopTopics, value: OrderCommand) => ({
  topic: topics.orderCommands.name,
  value,
});
