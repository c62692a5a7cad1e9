import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaStreams, RecordProducer, Serdes, StreamsBuilder } from 'rivulet';
import { expect } from 'vitest';
import { seededRandom } from '../../../test/scenarios/seeded-random.js';
import { awaitSharedOwnership } from '../../../test/scenarios/shared-ownership.js';
import type { InventoryCommand, InventoryEvent, Product, ProductStock } from '../inventory-events.js';
import { addInventoryService, available, STOCK_STORE } from '../inventory-service.js';
import { replay } from '../order-aggregate.js';
import type { OrderCommand, OrderEvent, OrderState } from '../order-events.js';
import { addOrderService, ORDERS_STORE } from '../order-service.js';
import { createShopTopics } from '../shop-topology.js';
import type { ShopTopics } from '../topics.js';

const S = Serdes.String();

export interface ScenarioCluster {
  readonly bootstrapServers: string;
  readonly applicationId: string;
  readonly topics: ShopTopics;
  /** Every committed record's value of a topic, in partition then offset order. */
  readAll(topic: string): Promise<unknown[]>;
}

/**
 * Orders and reservations through a rebalance: two instances under exactly_once_v2, the second
 * leaving half-way. Then every reservation is answered exactly once, every release once, no stock is
 * lost or created, and the orders store is what order-events replay to.
 */
export async function reservationsThroughARebalance(
  cluster: ScenarioCluster,
  orderCount: number,
): Promise<void> {
  const { bootstrapServers, topics } = cluster;
  await createShopTopics(bootstrapServers, topics);
  const random = seededRandom(7);
  const productIds = Array.from({ length: 8 }, (_, i) => `p${i}`);
  const stock = new Map(productIds.map((p) => [p, Math.floor(random() * 40)]));
  const producers: RecordProducer<string, never>[] = [];
  const producer = async <V>() => {
    const p = await RecordProducer.create({ bootstrapServers, keySerde: S, valueSerde: Serdes.Json<V>() });
    producers.push(p as RecordProducer<string, never>);
    return p;
  };
  const dirs: string[] = [];
  const instances: KafkaStreams[] = [];
  const instance = async (id: string) => {
    const stateDir = mkdtempSync(join(tmpdir(), `rivulet-shop-${id}-`));
    dirs.push(stateDir);
    // The order and inventory services only: the scenario sends the inventory commands itself.
    const builder = new StreamsBuilder();
    addOrderService(builder, topics);
    addInventoryService(builder, topics);
    const streams = new KafkaStreams(builder.build(), {
      applicationId: cluster.applicationId,
      bootstrapServers,
      instanceId: id,
      stateDir,
      processingGuarantee: 'exactly_once_v2',
      commitIntervalMs: 100,
    });
    instances.push(streams);
    await streams.start();
    return streams;
  };
  try {
    const products = await producer<Product>();
    for (const [productId, units] of stock)
      products.send(topics.products.name, productId, {
        schemaVersion: 1,
        productId,
        name: productId,
        priceCents: 500,
        stock: units,
      });
    await products.flush();
    const a = await instance('a');
    const b = await instance('b');
    await awaitSharedOwnership([a, b], 60_000); // b takes part before it leaves

    const orders = await producer<OrderCommand>();
    const inventory = await producer<InventoryCommand>();
    let releases = 0;
    for (let n = 0; n < orderCount; n++) {
      const orderId = `order-${n}`;
      const lines = productIds
        .filter(() => random() < 0.3)
        .map((productId) => ({ productId, quantity: 1 + Math.floor(random() * 3), unitPriceCents: 500 }));
      if (lines.length === 0) lines.push({ productId: 'p0', quantity: 1, unitPriceCents: 500 });
      orders.send(topics.orderCommands.name, orderId, {
        schemaVersion: 1,
        type: 'PlaceOrder',
        commandId: `place-${n}`,
        orderId,
        customerId: `c${n % 17}`,
        lines,
      });
      inventory.send(topics.inventoryCommands.name, orderId, {
        schemaVersion: 1,
        type: 'ReserveItems',
        commandId: `reserve-${n}`,
        orderId,
        lines,
      });
      // Some are released again at once (the saga's compensation), often before the products answered.
      if (random() < 0.2) {
        releases++;
        inventory.send(topics.inventoryCommands.name, orderId, {
          schemaVersion: 1,
          type: 'ReleaseItems',
          commandId: `release-${n}`,
          orderId,
        });
      }
      if (n === Math.floor(orderCount / 2)) {
        await orders.flush();
        await inventory.flush();
        await b.close(); // half-way, b leaves: a takes its partitions over and restores their stores
      }
    }
    await orders.flush();
    await inventory.flush();

    const inventoryEvents = async () =>
      (await cluster.readAll(topics.inventoryEvents.name)) as InventoryEvent[];
    const deadline = Date.now() + 120_000;
    let events = await inventoryEvents();
    while (events.length < orderCount + releases) {
      if (Date.now() > deadline)
        throw new Error(`only ${events.length} of ${orderCount + releases} inventory events arrived`);
      await new Promise((r) => setTimeout(r, 200));
      events = await inventoryEvents();
    }
    await new Promise((r) => setTimeout(r, 500)); // anything more would be a duplicate
    events = await inventoryEvents();

    // Exactly one answer per reservation and per release.
    const answers = events.filter((e) => e.type !== 'InventoryReleased');
    expect(answers).toHaveLength(orderCount);
    expect(new Set(answers.map((e) => e.orderId)).size).toBe(orderCount);
    const released = events.filter((e) => e.type === 'InventoryReleased');
    expect(released).toHaveLength(releases);

    // Stock: what is available plus what reserved, unreleased orders hold is what was stocked.
    const releasedOrders = new Set(released.map((e) => e.orderId));
    const held = new Map<string, number>();
    for (const e of answers)
      if (e.type === 'InventoryReserved' && !releasedOrders.has(e.orderId))
        for (const l of e.lines) held.set(l.productId, (held.get(l.productId) ?? 0) + l.quantity);
    const stockStore = a.store<string, ProductStock>(STOCK_STORE);
    for (const [productId, units] of stock) {
      const s = stockStore.get(productId)!;
      expect(available(s) + (held.get(productId) ?? 0), productId).toBe(units);
      expect(available(s), productId).toBeGreaterThanOrEqual(0);
    }

    // The orders store is what order-events replay to.
    const rebuilt = replay((await cluster.readAll(topics.orderEvents.name)) as OrderEvent[]);
    expect(rebuilt.size).toBe(orderCount);
    const ordersStore = a.store<string, OrderState>(ORDERS_STORE);
    for (const [orderId, state] of rebuilt) expect(ordersStore.get(orderId), orderId).toEqual(state);
  } finally {
    for (const p of producers) await p.close();
    await Promise.all(instances.map((s) => s.close()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
