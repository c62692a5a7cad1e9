// The shop's topics in one place: names, partition counts and configs. A setup step creates them
// (createShopTopics, on memory:// and on Kafka). A prefix keeps runs apart on a shared broker.

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly config: Readonly<Record<string, string>>;
}

/** The shop's topics, their names prefixed with `prefix` (none by default). */
export function shopTopics(prefix = '') {
  const topic = (name: string, partitions = 4, config: Record<string, string> = {}): TopicSpec => ({
    name: prefix + name,
    partitions,
    config,
  });
  return {
    /** PlaceOrder, CancelOrder, ConfirmOrder… keyed by order id. */
    orderCommands: topic('order-commands'),
    /** The event store of orders: every OrderPlaced, OrderConfirmed, OrderCancelled, CommandRejected, keyed by order id; kept forever. */
    orderEvents: topic('order-events', 4, { 'retention.ms': '-1' }),
    /** The catalogue: each product with the stock on hand, keyed by product id (compacted). */
    products: topic('products', 4, { 'cleanup.policy': 'compact' }),
    /** ReserveItems and ReleaseItems for an order's lines, keyed by order id. */
    inventoryCommands: topic('inventory-commands'),
    /** One line of a reservation or release, re-keyed by product id to reach the product's stock. */
    inventoryLineRequests: topic('inventory-line-requests'),
    /** What a product answered for a line, keyed by order id again. */
    inventoryLineResults: topic('inventory-line-results'),
    /** InventoryReserved, InventoryInsufficient, InventoryReleased, keyed by order id. */
    inventoryEvents: topic('inventory-events'),
    /** ProcessPayment and RefundPayment, keyed by order id. */
    paymentCommands: topic('payment-commands'),
    /** PaymentProcessed, PaymentDeclined, PaymentRefunded, keyed by order id. */
    paymentEvents: topic('payment-events'),
    /** Every transition of every order's saga, keyed by order id. */
    sagaEvents: topic('saga-events'),
    /** Notifications sent (order confirmed or cancelled), keyed by order id. */
    notificationsSent: topic('notifications-sent'),
    /** Notifications that failed every attempt, with the error in their headers. */
    notificationsDlq: topic('notifications-dlq'),
    /** Final per-minute sales of each product (orders, units, revenue), keyed by product id. */
    productSalesPerMinute: topic('analytics-product-sales-per-minute'),
    /** Final order counts of 5-minute windows every minute, keyed by 'all'. */
    orderRate: topic('analytics-order-rate'),
    /** Each minute's best-selling products (updated as the minute's final sales arrive), keyed by the minute's start. */
    topProducts: topic('analytics-top-products'),
    /** Final sessions of customer activity (orders and revenue), keyed by customer id. */
    customerSessions: topic('analytics-customer-sessions'),
    /** PaymentFailureRateHigh and OrderRateDropped alerts, keyed by type. */
    alerts: topic('analytics-alerts'),
  } as const;
}

export type ShopTopics = ReturnType<typeof shopTopics>;

/** The shop's topics under their own names. */
export const TOPICS: ShopTopics = shopTopics();
