// The order aggregate's commands and events (docs/event-schema.md). Every message carries its
// `type` and `schemaVersion`; readers check both.

export interface OrderLine {
  readonly productId: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
}

/** What every command carries: the order it is for, and an idempotency key (`commandId`). */
interface CommandBase {
  readonly schemaVersion: 1;
  readonly commandId: string;
  readonly orderId: string;
}

export interface PlaceOrder extends CommandBase {
  readonly type: 'PlaceOrder';
  readonly customerId: string;
  readonly lines: readonly OrderLine[];
}

/** Commands on an existing order name the version they expect it at (optimistic concurrency). */
export interface ConfirmOrder extends CommandBase {
  readonly type: 'ConfirmOrder';
  readonly expectedVersion: number;
}

export interface CancelOrder extends CommandBase {
  readonly type: 'CancelOrder';
  readonly expectedVersion: number;
  readonly reason: string;
}

export type OrderCommand = PlaceOrder | ConfirmOrder | CancelOrder;

/** What every event carries: the order, its version after the event, and the command that caused it. */
interface EventBase {
  readonly schemaVersion: 1;
  readonly orderId: string;
  readonly version: number;
  readonly commandId: string;
}

export interface OrderPlaced extends EventBase {
  readonly type: 'OrderPlaced';
  readonly customerId: string;
  readonly lines: readonly OrderLine[];
  readonly totalCents: number;
}

export interface OrderConfirmed extends EventBase {
  readonly type: 'OrderConfirmed';
}

export interface OrderCancelled extends EventBase {
  readonly type: 'OrderCancelled';
  readonly reason: string;
  /** What the order was before: a confirmed order's stock and payment are given back. */
  readonly previousStatus: 'placed' | 'confirmed';
}

/** Why a command was refused. */
export type RejectionReason =
  | 'invalid'
  | 'stale-version'
  | 'unknown-order'
  | 'already-exists'
  | 'already-final';

/** A refused command: the order is unchanged (`version` is its current one, 0 if it does not exist). */
export interface CommandRejected extends EventBase {
  readonly type: 'CommandRejected';
  readonly commandType: OrderCommand['type'];
  readonly reason: RejectionReason;
  readonly message: string;
}

export type OrderEvent = OrderPlaced | OrderConfirmed | OrderCancelled | CommandRejected;

export type OrderStatus = 'placed' | 'confirmed' | 'cancelled';

/** The order as its events make it: what the aggregate decides commands against. */
export interface OrderState {
  readonly orderId: string;
  readonly version: number;
  readonly status: OrderStatus;
  readonly customerId: string;
  readonly lines: readonly OrderLine[];
  readonly totalCents: number;
  /** The idempotency keys of the latest commands (a repeated one does nothing). */
  readonly recentCommands: readonly string[];
}
