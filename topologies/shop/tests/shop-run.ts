import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KafkaStreams,
  type ProcessingGuarantee,
  QueryableStoreTypes,
  RecordProducer,
  type SagaState,
  Serdes,
  StoreNotQueryableError,
  StoreQueryParameters,
} from 'rivulet';
import { expect } from 'vitest';
import { seededRandom } from '../../../test/scenarios/seeded-random.js';
import { awaitSharedOwnership } from '../../../test/scenarios/shared-ownership.js';
import { PRODUCT_SALES_PER_MINUTE_STORE } from '../analytics.js';
import type { ProductSales } from '../analytics-results.js';
import type { Product, ProductStock } from '../inventory-events.js';
import { available, STOCK_STORE } from '../inventory-service.js';
import type { OrderCommand, OrderEvent, OrderState } from '../order-events.js';
import type { OrderSagaData } from '../order-saga.js';
import { ORDER_SAGAS_STORE } from '../order-saga.js';
import { ORDERS_STORE } from '../order-service.js';
import type { PaymentEvent } from '../payment-events.js';
import {
  CUSTOMER_ORDERS_STORE,
  type CustomerOrders,
  ORDER_DETAILS_STORE,
  type OrderDetails,
  SAGA_MONITOR_KEY,
  SAGA_MONITOR_STORE,
  type SagaMonitor,
} from '../read-models.js';
import { createShopTopics, shopTopology } from '../shop-topology.js';
import type { ShopTopics } from '../topics.js';
import { paymentOutcome } from './run-outcomes.js';

const S = Serdes.String();

/** A read of a store, or undefined while the instance rebalances. */
function queryable<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (err) {
    if (err instanceof StoreNotQueryableError) return undefined;
    throw err;
  }
}

export interface ShopRunCluster {
  readonly bootstrapServers: string;
  readonly applicationId: string;
  readonly topics: ShopTopics;
  readonly guarantee: ProcessingGuarantee;
  /** The saga's step timeout: longer on a broker, where a rebalance takes seconds. */
  readonly stepTimeoutMs: number;
  /** Every committed record's value of a topic. */
  readAll(topic: string): Promise<unknown[]>;
}

/**
 * The whole shop, randomized: orders with random lines against random stock, some payments
 * declined and some never answered, two instances with the second leaving half-way. At the end
 * every order is confirmed or cancelled as its saga ended, stock is conserved (available + what
 * confirmed orders hold = stocked), and money too (every confirmed order paid once; every
 * cancelled one paid nothing, or refunded); the read models and the analytics agree with the orders.
 */
export async function randomShopRun(cluster: ShopRunCluster, orderCount: number): Promise<void> {
  const { bootstrapServers, topics } = cluster;
  await createShopTopics(bootstrapServers, topics);
  const random = seededRandom(11);
  const productIds = Array.from({ length: 10 }, (_, i) => `p${i}`);
  // About the demand of the orders: some products run out before the end.
  const stock = new Map(productIds.map((p) => [p, Math.floor(((100 + random() * 200) * orderCount) / 400)]));
  const dirs: string[] = [];
  const instances: KafkaStreams[] = [];
  const start = async (id: string) => {
    const stateDir = mkdtempSync(join(tmpdir(), `rivulet-shop-run-${id}-`));
    dirs.push(stateDir);
    const topology = shopTopology(topics, {
      payments: { outcome: paymentOutcome },
      saga: { stepTimeoutMs: cluster.stepTimeoutMs, timeoutCheckIntervalMs: 200 },
    });
    const streams = new KafkaStreams(topology, {
      applicationId: cluster.applicationId,
      bootstrapServers,
      instanceId: id,
      stateDir,
      processingGuarantee: cluster.guarantee,
      commitIntervalMs: 100,
    });
    instances.push(streams);
    await streams.start();
    return streams;
  };
  const products = await RecordProducer.create({
    bootstrapServers,
    keySerde: S,
    valueSerde: Serdes.Json<Product>(),
  });
  const orders = await RecordProducer.create({
    bootstrapServers,
    keySerde: S,
    valueSerde: Serdes.Json<OrderCommand>(),
  });
  try {
    for (const [productId, units] of stock)
      products.send(topics.products.name, productId, {
        schemaVersion: 1,
        productId,
        name: productId,
        priceCents: 700,
        stock: units,
      });
    await products.flush();
    const a = await start('a');
    const b = await start('b');
    await awaitSharedOwnership([a, b], 60_000); // b takes part before it leaves
    for (let n = 0; n < orderCount; n++) {
      const orderId = `order-${n}`;
      const lines = productIds
        .filter(() => random() < 0.25)
        .map((productId) => ({ productId, quantity: 1 + Math.floor(random() * 4), unitPriceCents: 700 }));
      if (lines.length === 0) lines.push({ productId: 'p1', quantity: 1, unitPriceCents: 700 });
      orders.send(topics.orderCommands.name, orderId, {
        schemaVersion: 1,
        type: 'PlaceOrder',
        commandId: `place-${n}`,
        orderId,
        customerId: `c${n % 23}`,
        lines,
      });
      if (n === Math.floor(orderCount / 2)) {
        await orders.flush();
        await b.close(); // half-way, b leaves: a takes over its partitions, sagas and timeouts included
      }
    }
    await orders.flush();

    // Every order ends: confirmed or cancelled (timeouts take the step timeout).
    const deadline = Date.now() + 120_000;
    for (;;) {
      await a.waitForState('RUNNING', 60_000);
      const sagas =
        queryable(() => [...a.store<string, SagaState<string, OrderSagaData>>(ORDER_SAGAS_STORE).all()]) ??
        [];
      if (sagas.length === orderCount && sagas.every((s) => s.value.status !== 'running')) break;
      if (Date.now() > deadline)
        throw new Error(
          `sagas unfinished: ${sagas.filter((s) => s.value.status === 'running').length} running of ${sagas.length}`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1_000)); // the last confirmations and compensations land
    await a.waitForState('RUNNING', 60_000);

    const ordersStore = a.store<string, OrderState>(ORDERS_STORE);
    const sagas = new Map(
      [...a.store<string, SagaState<string, OrderSagaData>>(ORDER_SAGAS_STORE).all()].map((s) => [
        s.key,
        s.value,
      ]),
    );
    const confirmed = new Set<string>();
    for (let n = 0; n < orderCount; n++) {
      const orderId = `order-${n}`;
      const order = ordersStore.get(orderId)!;
      const saga = sagas.get(orderId)!;
      expect(order.status, orderId).toBe(saga.status === 'completed' ? 'confirmed' : 'cancelled');
      if (order.status === 'confirmed') confirmed.add(orderId);
    }
    // Stock: available + what confirmed orders hold = stocked.
    const held = new Map<string, number>();
    for (const orderId of confirmed)
      for (const l of ordersStore.get(orderId)!.lines)
        held.set(l.productId, (held.get(l.productId) ?? 0) + l.quantity);
    for (const [productId, units] of stock) {
      const s = a.store<string, ProductStock>(STOCK_STORE).get(productId)!;
      expect(available(s) + (held.get(productId) ?? 0), productId).toBe(units);
    }
    // Money: net paid per order is its total if confirmed, else 0.
    const net = new Map<string, number>();
    for (const e of (await cluster.readAll(topics.paymentEvents.name)) as PaymentEvent[]) {
      if (e.type === 'PaymentProcessed' && !net.has(`${e.orderId}:paid`)) {
        net.set(`${e.orderId}:paid`, 1); // a repeated answer is the same payment
        net.set(e.orderId, (net.get(e.orderId) ?? 0) + e.amountCents);
      }
      if (e.type === 'PaymentRefunded') net.set(e.orderId, (net.get(e.orderId) ?? 0) - e.amountCents);
    }
    for (let n = 0; n < orderCount; n++) {
      const orderId = `order-${n}`;
      const order = ordersStore.get(orderId)!;
      expect(net.get(orderId) ?? 0, orderId).toBe(confirmed.has(orderId) ? order.totalCents : 0);
    }
    const events = (await cluster.readAll(topics.orderEvents.name)) as OrderEvent[];
    expect(events.filter((e) => e.type === 'OrderConfirmed').length).toBe(confirmed.size);
    // The read models come to agree with the write side: each order's details at its status and
    // version, each order once in its customer's history, the saga monitor's counts.
    const disagreement = () => {
      const details = a.store<string, OrderDetails>(ORDER_DETAILS_STORE);
      const inHistory = new Map<string, string>();
      for (const { value } of a.store<string, CustomerOrders>(CUSTOMER_ORDERS_STORE).all())
        for (const o of value.orders) {
          if (inHistory.has(o.orderId)) return `${o.orderId} is twice in the customer histories`;
          inHistory.set(o.orderId, `${value.customerId} ${o.status} ${o.version}`);
        }
      for (let n = 0; n < orderCount; n++) {
        const orderId = `order-${n}`;
        const order = ordersStore.get(orderId)!;
        const d = details.get(orderId);
        if (d?.status !== order.status || d.version !== order.version)
          return `${orderId}: details ${d?.status} ${d?.version}, order ${order.status} ${order.version}`;
        const expected = `${order.customerId} ${order.status} ${order.version}`;
        if (inHistory.get(orderId) !== expected)
          return `${orderId}: history says ${inHistory.get(orderId)}, order ${expected}`;
      }
      const monitor = a.store<string, SagaMonitor>(SAGA_MONITOR_STORE).get(SAGA_MONITOR_KEY);
      const ended = (status: string) => [...sagas.values()].filter((v) => v.status === status).length;
      const expectedMonitor = `0 running ${ended('completed')} completed ${ended('compensated')} compensated`;
      const seen = `${monitor?.running} running ${monitor?.completed} completed ${monitor?.compensated} compensated`;
      if (seen !== expectedMonitor) return `the saga monitor says ${seen}, the sagas ${expectedMonitor}`;
      // The analytics: each product's units over its per-minute windows, those of every order placed.
      const sales = a.store(
        StoreQueryParameters.fromNameAndType(
          PRODUCT_SALES_PER_MINUTE_STORE,
          QueryableStoreTypes.windowStore<string, ProductSales>(),
        ),
      );
      const sold = new Map<string, number>();
      for (const { key, value } of sales.all()) sold.set(key.key, (sold.get(key.key) ?? 0) + value.units);
      const ordered = new Map<string, number>();
      for (let n = 0; n < orderCount; n++)
        for (const l of ordersStore.get(`order-${n}`)!.lines)
          ordered.set(l.productId, (ordered.get(l.productId) ?? 0) + l.quantity);
      for (const [productId, units] of ordered)
        if (sold.get(productId) !== units)
          return `the analytics sold ${sold.get(productId)} units of ${productId}, the orders ${units}`;
      return null;
    };
    const readModelsDeadline = Date.now() + 30_000;
    while (disagreement() !== null && Date.now() < readModelsDeadline)
      await new Promise((r) => setTimeout(r, 200));
    expect(disagreement()).toBeNull();
    // Every way an order ends happened.
    const sagaEvents = (await cluster.readAll(topics.sagaEvents.name)) as {
      type: string;
      reason: string | null;
    }[];
    const ended = (pattern: RegExp) =>
      sagaEvents.filter((e) => e.type === 'SagaCompensated' && pattern.test(e.reason ?? '')).length;
    expect(confirmed.size).toBeGreaterThan(0);
    expect(ended(/^insufficient inventory/)).toBeGreaterThan(0);
    expect(ended(/^payment declined/)).toBeGreaterThan(0);
    expect(ended(/^step process-payment timed out$/)).toBeGreaterThan(0);
  } finally {
    await products.close();
    await orders.close();
    await Promise.all(instances.map((s) => s.close()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
