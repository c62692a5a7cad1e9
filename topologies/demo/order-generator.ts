import { type EmbeddedLog, Serdes } from 'rivulet';
import { type OrderPlaced, PRODUCTS } from './order-events.js';
import { ORDERS_TOPIC } from './order-stats-topology.js';

/** Writes `perTick` random orders to the embedded log every `intervalMs`; returns a stop function. */
export function startOrderGenerator(
  log: EmbeddedLog,
  perTick: number,
  intervalMs: number,
): { stop(): void; produced(): number } {
  let seq = 0;
  const timer = setInterval(() => {
    const batch = [];
    for (let i = 0; i < perTick; i++) {
      const orderId = `order-${++seq}`;
      const order: OrderPlaced = {
        orderId,
        customerId: `customer-${Math.floor(Math.random() * 50)}`,
        product: PRODUCTS[Math.floor(Math.random() * PRODUCTS.length)]!,
        // About one order in twenty is invalid (quantity 0) and gets filtered out.
        quantity: Math.random() < 0.05 ? 0 : 1 + Math.floor(Math.random() * 5),
        unitPriceCents: 1_000 + Math.floor(Math.random() * 50_000),
      };
      batch.push({ key: orderId, value: order });
    }
    log.produce(ORDERS_TOPIC, batch, Serdes.String(), Serdes.Json<OrderPlaced>());
  }, intervalMs);
  return {
    stop: () => clearInterval(timer),
    produced: () => seq,
  };
}
