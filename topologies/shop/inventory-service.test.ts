import fc from 'fast-check';
import { Serdes, StreamsBuilder, TopologyTestDriver } from 'rivulet';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  InventoryCommand,
  InventoryEvent,
  LineRequest,
  Product,
  ProductStock,
} from './inventory-events.js';
import { addInventoryService, available, STOCK_HOLDS_STORE, STOCK_STORE } from './inventory-service.js';
import { TOPICS } from './topics.js';

// Inventory reservations on the TopologyTestDriver: all lines or none, the compensation, and
// idempotency; and, for random orders and releases, stock never lost or created.

const S = Serdes.String();
let driver: TopologyTestDriver | undefined;
afterEach(() => {
  driver?.close();
  driver = undefined;
});

function inventory(stock: Record<string, number>) {
  const builder = new StreamsBuilder();
  addInventoryService(builder);
  const d = new TopologyTestDriver(builder.build());
  driver = d;
  const products = driver.createInputTopic(TOPICS.products.name, S, Serdes.Json<Product>());
  for (const [productId, units] of Object.entries(stock))
    products.pipeInput(productId, {
      schemaVersion: 1,
      productId,
      name: productId,
      priceCents: 100,
      stock: units,
    });
  const commands = driver.createInputTopic(TOPICS.inventoryCommands.name, S, Serdes.Json<InventoryCommand>());
  const lineRequests = driver.createInputTopic(
    TOPICS.inventoryLineRequests.name,
    S,
    Serdes.Json<LineRequest>(),
  );
  const events = driver.createOutputTopic(TOPICS.inventoryEvents.name, S, Serdes.Json<InventoryEvent>());
  const store = driver.getKeyValueStore<string, ProductStock>(STOCK_STORE);
  return {
    reserve: (orderId: string, lines: Record<string, number>, commandId = `reserve-${orderId}`) =>
      commands.pipeInput(orderId, {
        schemaVersion: 1,
        type: 'ReserveItems',
        commandId,
        orderId,
        lines: Object.entries(lines).map(([productId, quantity]) => ({
          productId,
          quantity,
          unitPriceCents: 100,
        })),
      }),
    release: (orderId: string, commandId = `release-${orderId}`) =>
      commands.pipeInput(orderId, { schemaVersion: 1, type: 'ReleaseItems', commandId, orderId }),
    redeliver: (request: LineRequest) => lineRequests.pipeInput(request.productId, request),
    events: () => events.readValuesToList() as InventoryEvent[],
    available: (productId: string) => available(store.get(productId)!),
    stock: (productId: string) => store.get(productId)!,
    held: (productId: string, orderId: string) =>
      d.getKeyValueStore<string, number>(STOCK_HOLDS_STORE).get(`${productId}/${orderId}`),
  };
}

describe('inventory reservations', () => {
  it('reserves all lines or none, releases on request, and never reserves twice', () => {
    const shop = inventory({ keyboard: 5, mouse: 1 });
    shop.reserve('o1', { keyboard: 2, mouse: 1 });
    expect(shop.events()).toEqual([
      {
        schemaVersion: 1,
        type: 'InventoryReserved',
        orderId: 'o1',
        commandId: 'reserve-o1',
        lines: [
          { productId: 'keyboard', quantity: 2 },
          { productId: 'mouse', quantity: 1 },
        ],
      },
    ]);
    expect([shop.available('keyboard'), shop.available('mouse')]).toEqual([3, 0]);

    // Not enough mice: nothing is kept, the keyboard it got is given back.
    shop.reserve('o2', { keyboard: 1, mouse: 1 });
    expect(shop.events()).toEqual([
      {
        schemaVersion: 1,
        type: 'InventoryInsufficient',
        orderId: 'o2',
        commandId: 'reserve-o2',
        shortages: [{ productId: 'mouse', requested: 1, available: 0 }],
      },
    ]);
    expect([shop.available('keyboard'), shop.available('mouse')]).toEqual([3, 0]);
    expect(shop.stock('keyboard')).toEqual({ productId: 'keyboard', onHand: 5, reserved: 2 });
    expect([shop.held('keyboard', 'o1'), shop.held('keyboard', 'o2')]).toEqual([2, null]);

    // The same command again, and a redelivered line request: nothing new, nothing reserved twice.
    shop.reserve('o1', { keyboard: 2, mouse: 1 });
    shop.redeliver({ orderId: 'o1', productId: 'keyboard', quantity: 2, action: 'reserve' });
    expect(shop.events()).toEqual([]);
    expect(shop.available('keyboard')).toBe(3);

    shop.release('o1');
    expect(shop.events()).toEqual([
      { schemaVersion: 1, type: 'InventoryReleased', orderId: 'o1', commandId: 'release-o1' },
    ]);
    expect([shop.available('keyboard'), shop.available('mouse')]).toEqual([5, 1]);
    // Releasing what is not held (an unknown order, or twice) answers at once.
    shop.release('nope');
    shop.release('o1', 'release-again');
    expect(shop.events().map((e) => [e.type, e.orderId])).toEqual([
      ['InventoryReleased', 'nope'],
      ['InventoryReleased', 'o1'],
    ]);
  });

  it('random reservations and releases never lose or create stock, and every reservation is answered once', () => {
    const products = ['p1', 'p2', 'p3'];
    const action = fc.oneof(
      fc.record({
        kind: fc.constant('reserve' as const),
        order: fc.integer({ min: 1, max: 12 }),
        lines: fc.dictionary(fc.constantFrom(...products), fc.integer({ min: 1, max: 4 }), { minKeys: 1 }),
      }),
      fc.record({ kind: fc.constant('release' as const), order: fc.integer({ min: 1, max: 12 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 3, maxLength: 3 }),
        fc.array(action, { maxLength: 40 }),
        (stock, actions) => {
          const onHand = Object.fromEntries(products.map((p, i) => [p, stock[i]!]));
          const shop = inventory(onHand);
          const holding = new Map<string, Record<string, number>>();
          /** Orders whose reservation was refused and not released since. */
          const short = new Set<string>();
          for (const [n, a] of actions.entries()) {
            const orderId = `o${a.order}`;
            if (a.kind === 'reserve') {
              shop.reserve(orderId, a.lines, `cmd-${n}`);
              const answers = shop.events().map((e) => e.type);
              // An order reserves once until released: asked again, it answers as before.
              if (holding.has(orderId)) expect(answers).toEqual(['InventoryReserved']);
              else if (short.has(orderId)) expect(answers).toEqual(['InventoryInsufficient']);
              else {
                expect(answers).toHaveLength(1);
                if (answers[0] === 'InventoryReserved') holding.set(orderId, a.lines);
                else {
                  expect(answers[0]).toBe('InventoryInsufficient');
                  short.add(orderId);
                }
              }
            } else {
              shop.release(orderId, `cmd-${n}`);
              expect(shop.events().map((e) => e.type)).toEqual(['InventoryReleased']);
              holding.delete(orderId);
              short.delete(orderId);
            }
            for (const p of products) {
              const held = [...holding.values()].reduce((sum, lines) => sum + (lines[p] ?? 0), 0);
              expect(shop.available(p) + held, p).toBe(onHand[p]);
              expect(shop.available(p)).toBeGreaterThanOrEqual(0);
            }
          }
          driver!.close();
          driver = undefined;
        },
      ),
      { numRuns: 100 },
    );
  });
});
