// Inventory reservations: commands, the per-line messages between orders and products, and the
// events the saga waits for (docs/event-schema.md).
import type { OrderLine } from './order-events.js';

export interface Product {
  readonly schemaVersion: 1;
  readonly productId: string;
  readonly name: string;
  readonly priceCents: number;
  /** Units on hand: reserved ones included. */
  readonly stock: number;
}

export interface ReserveItems {
  readonly schemaVersion: 1;
  readonly type: 'ReserveItems';
  readonly commandId: string;
  readonly orderId: string;
  readonly lines: readonly OrderLine[];
}

/** The compensation of ReserveItems: gives back whatever the order holds. */
export interface ReleaseItems {
  readonly schemaVersion: 1;
  readonly type: 'ReleaseItems';
  readonly commandId: string;
  readonly orderId: string;
}

export type InventoryCommand = ReserveItems | ReleaseItems;

/** One product's part of a reservation or release (keyed by product id). */
export interface LineRequest {
  readonly orderId: string;
  readonly productId: string;
  readonly quantity: number;
  readonly action: 'reserve' | 'release';
}

/** What the product answered (keyed by order id). */
export interface LineResult {
  readonly orderId: string;
  readonly productId: string;
  readonly outcome: 'reserved' | 'insufficient' | 'released';
  /** Units available to reserve after this answer. */
  readonly available: number;
}

interface InventoryEventBase {
  readonly schemaVersion: 1;
  readonly orderId: string;
  /** The command it answers. */
  readonly commandId: string;
}

export interface InventoryReserved extends InventoryEventBase {
  readonly type: 'InventoryReserved';
  readonly lines: readonly { readonly productId: string; readonly quantity: number }[];
}

export interface InventoryInsufficient extends InventoryEventBase {
  readonly type: 'InventoryInsufficient';
  readonly shortages: readonly {
    readonly productId: string;
    readonly requested: number;
    readonly available: number;
  }[];
}

export interface InventoryReleased extends InventoryEventBase {
  readonly type: 'InventoryReleased';
}

export type InventoryEvent = InventoryReserved | InventoryInsufficient | InventoryReleased;

/** A product's stock, as the stock store keeps it: on hand, and reserved by all orders together (each order's share is in the stock-holds store). */
export interface ProductStock {
  readonly productId: string;
  readonly onHand: number;
  readonly reserved: number;
}

/** Where an order's reservation stands, as the reservations store keeps it. */
export interface Reservation {
  readonly orderId: string;
  /** The ReserveItems being answered. */
  readonly commandId: string;
  readonly lines: readonly { readonly productId: string; readonly quantity: number }[];
  /** Reserving until every product has answered; then reserved or insufficient; released at the end. */
  readonly status: 'reserving' | 'reserved' | 'insufficient' | 'released';
  /** Each product's answer to its line, by product id. */
  readonly answers: Readonly<
    Record<string, { readonly outcome: 'reserved' | 'insufficient'; readonly available: number }>
  >;
  /** The products that hold units for the order now. */
  readonly held: readonly string[];
  /** The ReleaseItems being answered, once one came. */
  readonly releaseCommandId: string | null;
  /** Commands already answered (a repeated one does nothing). */
  readonly answeredCommands: readonly string[];
}
