// The payment participant's commands and events (docs/event-schema.md).

export interface ProcessPayment {
  readonly schemaVersion: 1;
  readonly type: 'ProcessPayment';
  readonly commandId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly amountCents: number;
}

/** The compensation of ProcessPayment: gives back what the order paid (nothing if it did not). */
export interface RefundPayment {
  readonly schemaVersion: 1;
  readonly type: 'RefundPayment';
  readonly commandId: string;
  readonly orderId: string;
}

export type PaymentCommand = ProcessPayment | RefundPayment;

interface PaymentEventBase {
  readonly schemaVersion: 1;
  readonly orderId: string;
  readonly commandId: string;
}

export interface PaymentProcessed extends PaymentEventBase {
  readonly type: 'PaymentProcessed';
  readonly paymentId: string;
  readonly amountCents: number;
}

export interface PaymentDeclined extends PaymentEventBase {
  readonly type: 'PaymentDeclined';
  readonly reason: string;
}

export interface PaymentRefunded extends PaymentEventBase {
  readonly type: 'PaymentRefunded';
  readonly amountCents: number;
}

export type PaymentEvent = PaymentProcessed | PaymentDeclined | PaymentRefunded;

/** An order's payment, as the payments store keeps it. */
export interface Payment {
  readonly orderId: string;
  readonly paymentId: string;
  readonly amountCents: number;
  readonly status: 'paid' | 'declined' | 'refunded';
}
