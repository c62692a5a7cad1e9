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
import type {
  InventoryCommand,
  InventoryEvent,
  LineRequest,
  LineResult,
  Product,
  ProductStock,
  Reservation,
} from './inventory-events.js';
import { REMEMBERED_COMMANDS } from './order-aggregate.js';
import { type ShopTopics, TOPICS } from './topics.js';

/** Each order's reservation, by order id. */
export const RESERVATIONS_STORE = 'reservations';
/** Each product's stock (on hand, reserved in all), by product id: the stock view. */
export const STOCK_STORE = 'stock';
/** What each order holds of each product, by `<product id>/<order id>`. */
export const STOCK_HOLDS_STORE = 'stock-holds';

const S = Serdes.String();
const json = <T>() => Serdes.Json<T>();

/**
 * Inventory reservations, all lines or none. An order's ReserveItems fans out one request per
 * product (re-keyed by product id, so each product's stock is changed by one task only); each
 * product reserves its line if it has the units, idempotently per order; the answers come back by
 * order id, and when all are in the order is InventoryReserved, or InventoryInsufficient and the
 * lines that were reserved are released again. ReleaseItems (the saga's compensation) gives back
 * what the order holds. Under exactly_once_v2 stock and answers move together; and since a product
 * remembers what each order holds, a redelivered request never reserves twice under either guarantee.
 */
export function addInventoryService(builder: StreamsBuilder, topics: ShopTopics = TOPICS): void {
  builder.addStateStore(
    Stores.keyValueStoreBuilder(RESERVATIONS_STORE, S, json<Reservation>()).withStoreType('persistent'),
  );
  builder.addStateStore(
    Stores.keyValueStoreBuilder(STOCK_STORE, S, json<ProductStock>()).withStoreType('persistent'),
  );
  // Apart from the stock, so a reservation reads and writes two small values however many orders
  // hold units of the product.
  builder.addStateStore(
    Stores.keyValueStoreBuilder(STOCK_HOLDS_STORE, S, json<number>()).withStoreType('persistent'),
  );

  // By order: commands and the products' answers, into requests and events.
  const fromCommands = builder
    .stream<string, InventoryCommand>(
      topics.inventoryCommands.name,
      Consumed.with(S, json<InventoryCommand>()),
    )
    .process(reservationCoordinator, RESERVATIONS_STORE);
  const fromResults = builder
    .stream<string, LineResult>(topics.inventoryLineResults.name, Consumed.with(S, json<LineResult>()))
    .process(reservationCoordinator, RESERVATIONS_STORE);
  for (const out of [fromCommands, fromResults]) {
    out
      .filter((_k, v) => 'action' in v)
      .to(topics.inventoryLineRequests.name, Produced.with(S, json<CoordinatorOutput>()));
    out
      .filter((_k, v) => 'type' in v)
      .to(topics.inventoryEvents.name, Produced.with(S, json<CoordinatorOutput>()));
  }

  // By product: stock from the catalogue, and the lines asked of it.
  builder
    .stream<string, Product>(topics.products.name, Consumed.with(S, json<Product>()))
    .process(stockKeeper, STOCK_STORE, STOCK_HOLDS_STORE);
  builder
    .stream<string, LineRequest>(topics.inventoryLineRequests.name, Consumed.with(S, json<LineRequest>()))
    .process(stockKeeper, STOCK_STORE, STOCK_HOLDS_STORE)
    .to(topics.inventoryLineResults.name, Produced.with(S, json<LineResult>()));
}

type CoordinatorOutput = LineRequest | InventoryEvent;

/** The order side: starts reservations and releases, and decides when every product has answered. */
const reservationCoordinator: ProcessorSupplier<
  string,
  InventoryCommand | LineResult,
  string,
  CoordinatorOutput
> = {
  get() {
    let context: ProcessorContext<string, CoordinatorOutput>;
    let reservations: KeyValueStore<string, Reservation>;
    return {
      init(ctx) {
        context = ctx;
        reservations = ctx.getStateStore(RESERVATIONS_STORE);
      },
      process(record) {
        const orderId = record.key;
        const message = record.value;
        if (!message) return;
        const emit = (event: InventoryEvent) => context.forward(record.withValue(event));
        /** Asks products for their lines (re-keyed by product id). */
        const request = (r: Reservation, action: LineRequest['action'], productIds: readonly string[]) => {
          for (const { productId, quantity } of r.lines)
            if (productIds.includes(productId))
              context.forward(record.withKey(productId).withValue({ orderId, productId, quantity, action }));
        };
        let current = reservations.get(orderId);
        if ('type' in message) {
          if (current?.answeredCommands.includes(message.commandId)) return;
          const answeredCommands = [...(current?.answeredCommands ?? []), message.commandId].slice(
            -REMEMBERED_COMMANDS,
          );
          if (message.type === 'ReserveItems') {
            if (current && current.status !== 'released') {
              // One reservation per order: asked again, it answers as before (once it knows the answer).
              if (current.status !== 'reserving')
                emit(outcomeEvent({ ...current, commandId: message.commandId }));
              reservations.put(orderId, { ...current, answeredCommands });
              return;
            }
            const lines = mergeLines(message.lines);
            current = {
              orderId,
              commandId: message.commandId,
              lines,
              status: 'reserving',
              answers: {},
              held: [],
              releaseCommandId: null,
              answeredCommands,
            };
            request(
              current,
              'reserve',
              lines.map((l) => l.productId),
            );
          } else {
            if (!current || current.status === 'released') {
              // Nothing is held: released at once.
              if (current) reservations.put(orderId, { ...current, answeredCommands });
              emit({ schemaVersion: 1, type: 'InventoryReleased', orderId, commandId: message.commandId });
              return;
            }
            // Give back what is held; while still reserving, every line (the releases reach each
            // product after its reservation, so they undo it whatever it answers).
            request(
              current,
              'release',
              current.status === 'reserving' ? current.lines.map((l) => l.productId) : current.held,
            );
            current = { ...current, releaseCommandId: message.commandId, answeredCommands };
          }
        } else {
          if (!current) return;
          const { productId, outcome, available } = message;
          current =
            outcome === 'released'
              ? { ...current, held: current.held.filter((p) => p !== productId) }
              : {
                  ...current,
                  answers: { ...current.answers, [productId]: { outcome, available } },
                  held:
                    outcome === 'reserved' && !current.held.includes(productId)
                      ? [...current.held, productId]
                      : current.held,
                };
        }
        reservations.put(orderId, settle(current, emit, request));
      },
    };
  },
};

/**
 * Moves a reservation on once its products have answered: the outcome when every line has its
 * answer (and, when refused, the lines that were reserved are given back), InventoryReleased when
 * a release was asked for and nothing is held any more.
 */
function settle(
  r: Reservation,
  emit: (event: InventoryEvent) => void,
  request: (r: Reservation, action: LineRequest['action'], productIds: readonly string[]) => void,
): Reservation {
  let next = r;
  if (next.status === 'reserving' && next.lines.every((l) => next.answers[l.productId])) {
    const short = next.lines.some((l) => next.answers[l.productId]!.outcome === 'insufficient');
    next = { ...next, status: short ? 'insufficient' : 'reserved' };
    emit(outcomeEvent(next));
    // None or all: a refused reservation gives back what it got (unless a release is already asked).
    if (short && !next.releaseCommandId) request(next, 'release', next.held);
  }
  if (
    next.releaseCommandId &&
    next.status !== 'reserving' &&
    next.status !== 'released' &&
    next.held.length === 0
  ) {
    next = { ...next, status: 'released' };
    emit({
      schemaVersion: 1,
      type: 'InventoryReleased',
      orderId: next.orderId,
      commandId: next.releaseCommandId!,
    });
  }
  return next;
}

/**
 * The product side: keeps stock (on hand, reserved in all) and what each order holds, reserves a
 * line if the units are there, releases what an order holds.
 */
const stockKeeper: ProcessorSupplier<string, Product | LineRequest, string, LineResult> = {
  get() {
    let context: ProcessorContext<string, LineResult>;
    let stock: KeyValueStore<string, ProductStock>;
    let holds: KeyValueStore<string, number>;
    return {
      init(ctx) {
        context = ctx;
        stock = ctx.getStateStore(STOCK_STORE);
        holds = ctx.getStateStore(STOCK_HOLDS_STORE);
      },
      process(record) {
        const productId = record.key;
        const message = record.value;
        if (!message) return;
        const current = stock.get(productId) ?? { productId, onHand: 0, reserved: 0 };
        if ('stock' in message) {
          stock.put(productId, { ...current, onHand: message.stock });
          return;
        }
        const holdKey = `${productId}/${message.orderId}`;
        const held = holds.get(holdKey);
        let next = current;
        let outcome: LineResult['outcome'];
        if (message.action === 'release') {
          if (held !== null) {
            holds.delete(holdKey);
            next = { ...current, reserved: current.reserved - held };
          }
          outcome = 'released';
        } else if (held !== null) {
          outcome = 'reserved'; // asked again (a redelivery): the same answer, nothing reserved twice
        } else if (available(current) >= message.quantity) {
          holds.put(holdKey, message.quantity);
          next = { ...current, reserved: current.reserved + message.quantity };
          outcome = 'reserved';
        } else {
          outcome = 'insufficient';
        }
        if (next !== current) stock.put(productId, next);
        context.forward(
          record
            .withKey(message.orderId)
            .withValue({ orderId: message.orderId, productId, outcome, available: available(next) }),
        );
      },
    };
  },
};

/** The answer to a reservation whose products have all answered. */
function outcomeEvent(r: Reservation): InventoryEvent {
  const base = { schemaVersion: 1 as const, orderId: r.orderId, commandId: r.commandId };
  if (r.status === 'reserved') return { ...base, type: 'InventoryReserved', lines: r.lines };
  return {
    ...base,
    type: 'InventoryInsufficient',
    shortages: r.lines.flatMap((l) => {
      const answer = r.answers[l.productId];
      return answer?.outcome === 'insufficient'
        ? [{ productId: l.productId, requested: l.quantity, available: answer.available }]
        : [];
    }),
  };
}

/** Units that can still be reserved. */
export function available(stock: ProductStock): number {
  return stock.onHand - stock.reserved;
}

/** One line per product (an order may name a product twice). */
function mergeLines(lines: readonly { productId: string; quantity: number }[]) {
  const byProduct = new Map<string, number>();
  for (const l of lines) byProduct.set(l.productId, (byProduct.get(l.productId) ?? 0) + l.quantity);
  return [...byProduct].map(([productId, quantity]) => ({ productId, quantity }));
}
