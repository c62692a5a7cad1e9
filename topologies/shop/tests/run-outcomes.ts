import type { PaymentOutcome } from '../payment-service.js';

/**
 * The randomized runs' payments, by the number in `order-<n>`: every 17th never answered (a
 * provider outage: the saga times out), every 7th declined, the rest paid.
 */
export function paymentOutcome(orderId: string): PaymentOutcome {
  const n = Number(orderId.slice('order-'.length));
  if (n % 17 === 3) return 'no-answer';
  return n % 7 === 2 ? 'decline' : 'pay';
}
