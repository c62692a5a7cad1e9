import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedLog, KafkaStreams, RecordProducer, Serdes } from 'rivulet';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/scenarios/seeded-random.js';
import type { InventoryCommand, InventoryEvent, Product, ProductStock } from './inventory-events.js';
import { available, STOCK_STORE } from './inventory-service.js';
import { replay } from './order-aggregate.js';
import type { OrderCommand, OrderEvent, OrderState } from './order-events.js';
import { ORDERS_STORE } from './order-service.js';
import { createShopTopics, shopTopology } from './shop-topology.js';
import { TOPICS } from './topics.js';

// The order and inventory services together on the embedded log: two instances under
// exactly_once_v2, one of them stopping half-way (a rebalance). Every reservation is answered
// exactly once, no stock is lost or created, and the orders store is what its events replay to.

const S = Serdes.String();
const running: KafkaStreams[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function instance(bootstrapServers: string, id: string) {
  const stateDir = mkdtempSync(join(tmpdir(), `rivulet-shop-${id}-`));
  dirs.push(stateDir);
  const streams = new KafkaStreams(shopTopology(), {
    applicationId: 'shop',
    bootstrapServers,
    instanceId: id,
    stateDir,
    processingGuarantee: 'exactly_once_v2',
    commitIntervalMs: 50,
  });
  running.push(streams);
  await streams.start();
  return streams;
}

async function until(what: string, condition: () => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the shop on the embedded log', () => {
  it('orders and reservations through a rebalance: each answered once, stock conserved, orders equal to their events', async () => {
    const bootstrapServers = `memory://shop-${Date.now()}-${Math.random()}`;
    await createShopTopics(bootstrapServers);
    const random = seededRandom(7);
    const productIds = Array.from({ length: 8 }, (_, i) => `p${i}`);
    const stock = new Map(productIds.map((p) => [p, Math.floor(random() * 40)]));
    const products = await RecordProducer.create({
      bootstrapServers,
      keySerde: S,
      valueSerde: Serdes.Json<Product>(),
    });
    for (const [productId, units] of stock)
      products.send(TOPICS.products.name, productId, {
        schemaVersion: 1,
        productId,
        name: productId,
        priceCents: 500,
        stock: units,
      });
    await products.flush();
    const a = await instance(bootstrapServers, 'a');
    const b = await instance(bootstrapServers, 'b');
    await a.waitForState('RUNNING');

    const orders = await RecordProducer.create({
      bootstrapServers,
      keySerde: S,
      valueSerde: Serdes.Json<OrderCommand>(),
    });
    const inventory = await RecordProducer.create({
      bootstrapServers,
      keySerde: S,
      valueSerde: Serdes.Json<InventoryCommand>(),
    });
    const ORDERS = 300;
    for (let n = 0; n < ORDERS; n++) {
      const orderId = `order-${n}`;
      const lines = productIds
        .filter(() => random() < 0.3)
        .map((productId) => ({ productId, quantity: 1 + Math.floor(random() * 3), unitPriceCents: 500 }));
      if (lines.length === 0) lines.push({ productId: 'p0', quantity: 1, unitPriceCents: 500 });
      orders.send(TOPICS.orderCommands.name, orderId, {
        schemaVersion: 1,
        type: 'PlaceOrder',
        commandId: `place-${n}`,
        orderId,
        customerId: `c${n % 17}`,
        lines,
      });
      inventory.send(TOPICS.inventoryCommands.name, orderId, {
        schemaVersion: 1,
        type: 'ReserveItems',
        commandId: `reserve-${n}`,
        orderId,
        lines,
      });
      // Some are released again (the saga's compensation), some twice.
      if (random() < 0.2)
        inventory.send(TOPICS.inventoryCommands.name, orderId, {
          schemaVersion: 1,
          type: 'ReleaseItems',
          commandId: `release-${n}`,
          orderId,
        });
      if (n === ORDERS / 2) {
        await orders.flush();
        await inventory.flush();
        await b.close(); // half-way: b leaves, a takes its partitions over (restoring its stores)
      }
    }
    await orders.flush();
    await inventory.flush();

    const log = EmbeddedLog.named(bootstrapServers.slice('memory://'.length));
    const inventoryEvents = () =>
      log.read(TOPICS.inventoryEvents.name, S, Serdes.Json<InventoryEvent>()).map((r) => r.value!);
    const reservations = () => inventoryEvents().filter((e) => e.type !== 'InventoryReleased');
    await until('every reservation answered', () => reservations().length >= ORDERS);
    await until('the releases', () => {
      const released = inventoryEvents().filter((e) => e.type === 'InventoryReleased').length;
      return (
        released ===
        log
          .read(TOPICS.inventoryCommands.name, S, Serdes.Json<InventoryCommand>())
          .filter((r) => r.value!.type === 'ReleaseItems').length
      );
    });
    await new Promise((r) => setTimeout(r, 300));

    // Exactly one answer per reservation.
    const answers = reservations();
    expect(answers).toHaveLength(ORDERS);
    expect(new Set(answers.map((e) => e.orderId)).size).toBe(ORDERS);

    // Stock: what is available plus what reserved-and-not-released orders hold is what was stocked.
    const events = inventoryEvents();
    const held = new Map<string, number>();
    const releasedOrders = new Set(
      events.filter((e) => e.type === 'InventoryReleased').map((e) => e.orderId),
    );
    for (const e of events)
      if (e.type === 'InventoryReserved' && !releasedOrders.has(e.orderId))
        for (const l of e.lines) held.set(l.productId, (held.get(l.productId) ?? 0) + l.quantity);
    const stockStore = a.store<string, ProductStock>(STOCK_STORE);
    for (const [productId, units] of stock) {
      const s = stockStore.get(productId)!;
      expect(available(s) + (held.get(productId) ?? 0), productId).toBe(units);
      expect(available(s), productId).toBeGreaterThanOrEqual(0);
    }

    // The orders store is what order-events replay to.
    const rebuilt = replay(
      log.read(TOPICS.orderEvents.name, S, Serdes.Json<OrderEvent>()).map((r) => r.value!),
    );
    expect(rebuilt.size).toBe(ORDERS);
    const ordersStore = a.store<string, OrderState>(ORDERS_STORE);
    for (const [orderId, state] of rebuilt) expect(ordersStore.get(orderId), orderId).toEqual(state);
    for (const p of [products, orders, inventory]) await p.close();
  }, 90_000);
});
