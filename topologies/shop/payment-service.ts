import {
  Consumed,
  type KeyValueStore,
  type ProcessorContext,
  type ProcessorSupplier,
  Produced,
  Serdes,
  Stores,
  type StreamsBuilder,
} from 'rivulet';
import type { Payment, PaymentCommand, PaymentEvent } from './payment-events.js';
import { type ShopTopics, TOPICS } from './topics.js';

/** Each order's payment, by order id. */
export const PAYMENTS_STORE = 'payments';

/** What the simulated payment provider does with a payment (failure injection). */
export type PaymentOutcome = 'pay' | 'decline' | 'no-answer';

export interface PaymentOptions {
  /** Decides each payment; by default from `declineRate` and `outageRate`, stable per order id. */
  readonly outcome?: (orderId: string, amountCents: number) => PaymentOutcome;
  /** The share of payments declined (0..1); 0 by default. */
  readonly declineRate?: number;
  /** The share of payments never answered (a provider outage; the saga times out); 0 by default. */
  readonly outageRate?: number;
}

const S = Serdes.String();

/**
 * The payment participant, simulated: ProcessPayment is paid, declined or left unanswered as the
 * options say; RefundPayment gives back what was paid. Both are idempotent per order (a redelivered
 * command gets the same answer), so the saga may resend and compensate freely.
 */
export function addPaymentService(
  builder: StreamsBuilder,
  topics: ShopTopics = TOPICS,
  options: PaymentOptions = {},
): void {
  const outcome = options.outcome ?? rateOutcome(options.declineRate ?? 0, options.outageRate ?? 0);
  builder
    .stream<string, PaymentCommand>(
      topics.paymentCommands.name,
      Consumed.with(S, Serdes.Json<PaymentCommand>()),
    )
    .process(paymentProvider(outcome))
    .to(topics.paymentEvents.name, Produced.with(S, Serdes.Json<PaymentEvent>()));
}

function paymentProvider(
  outcome: NonNullable<PaymentOptions['outcome']>,
): ProcessorSupplier<string, PaymentCommand, string, PaymentEvent> {
  return {
    stores: () => [
      Stores.keyValueStoreBuilder(PAYMENTS_STORE, S, Serdes.Json<Payment>()).withStoreType('persistent'),
    ],
    get() {
      let context: ProcessorContext<string, PaymentEvent>;
      let payments: KeyValueStore<string, Payment>;
      return {
        init(ctx) {
          context = ctx;
          payments = ctx.getStateStore(PAYMENTS_STORE);
        },
        process(record) {
          const command = record.value;
          if (!command) return;
          const { orderId, commandId } = command;
          const base = { schemaVersion: 1 as const, orderId, commandId };
          const emit = (event: PaymentEvent) => context.forward(record.withKey(orderId).withValue(event));
          const payment = payments.get(orderId);
          if (command.type === 'RefundPayment') {
            const refunded = payment?.status === 'paid' ? payment.amountCents : 0;
            if (payment?.status === 'paid') payments.put(orderId, { ...payment, status: 'refunded' });
            emit({ ...base, type: 'PaymentRefunded', amountCents: refunded });
            return;
          }
          // Asked again: the same answer as before.
          if (payment?.status === 'paid' || payment?.status === 'refunded') {
            emit({
              ...base,
              type: 'PaymentProcessed',
              paymentId: payment.paymentId,
              amountCents: payment.amountCents,
            });
            return;
          }
          if (payment?.status === 'declined') {
            emit({ ...base, type: 'PaymentDeclined', reason: 'card declined' });
            return;
          }
          const decided = outcome(orderId, command.amountCents);
          if (decided === 'no-answer') return;
          const paymentId = `pay-${orderId}`;
          payments.put(orderId, {
            orderId,
            paymentId,
            amountCents: command.amountCents,
            status: decided === 'pay' ? 'paid' : 'declined',
          });
          emit(
            decided === 'pay'
              ? { ...base, type: 'PaymentProcessed', paymentId, amountCents: command.amountCents }
              : { ...base, type: 'PaymentDeclined', reason: 'card declined' },
          );
        },
      };
    },
  };
}

/** Outcomes at the given rates, the same for an order id every time (a redelivery is answered alike). */
function rateOutcome(declineRate: number, outageRate: number): (orderId: string) => PaymentOutcome {
  return (orderId) => {
    const u = stableFraction(orderId);
    if (u < outageRate) return 'no-answer';
    if (u < outageRate + declineRate) return 'decline';
    return 'pay';
  };
}

/**
 * A number in [0, 1) from a string: FNV-1a, then murmur3's finalizer — without it the high bits
 * barely move when only the last characters differ (order-…-1, order-…-2), and rates drift far off.
 */
function stableFraction(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return ((hash ^ (hash >>> 16)) >>> 0) / 2 ** 32;
}
