import { RecordProducer, Serdes } from 'rivulet';
import { expect, it } from 'vitest';
import { describeKafka, kafkaBootstrap, uniqueName } from '../../../test/kafka/broker-context.js';
import { withKills } from '../../../test/kafka/child-instance.js';
import { seededRandom } from '../../../test/scenarios/seeded-random.js';
import { kafkaCluster } from '../../../test/scenarios/test-cluster.js';
import { PRODUCT_SALES_PER_MINUTE_STORE } from '../analytics.js';
import type { ProductSales } from '../analytics-results.js';
import type { Product, ProductStock } from '../inventory-events.js';
import { available, STOCK_HOLDS_STORE, STOCK_STORE } from '../inventory-service.js';
import type { OrderCommand, OrderLine } from '../order-events.js';
import { createShopTopics } from '../shop-topology.js';
import { shopTopics } from '../topics.js';

// The whole shop in two child processes on a real broker under exactly_once_v2, 2,000 random
// orders against random stock (payments declined or never answered by order number), and one
// instance killed with SIGKILL in the middle of the stream, then started again (a rebalance each
// way). Everything is checked from the committed topics alone: every saga started and ended once,
// each order's events once and its end as its saga's, stock conserved in the stock stores'
// changelogs (what they hold is exactly what confirmed orders took), money conserved, every
// notification sent or dead-lettered exactly once, the analytics' units those of the orders.

const ORDERS = 2_000;
const S = Serdes.String();

type Keyed = { key: string; value: { type: string; [field: string]: unknown } };

describeKafka('the shop under kill -9', () => {
  it(`${ORDERS} orders, an instance killed with SIGKILL mid-stream (exactly_once_v2): each order ended once, stock and money conserved, notifications once, sales counted once`, async () => {
    const name = uniqueName('shop-kill');
    const topics = shopTopics(`${name}-`);
    const broker = kafkaCluster(kafkaBootstrap);
    await createShopTopics(kafkaBootstrap, topics);
    const random = seededRandom(23);
    const productIds = Array.from({ length: 10 }, (_, i) => `p${i}`);
    // About half the demand of the orders: some products run out before the end.
    const stock = new Map(productIds.map((p) => [p, Math.floor(((100 + random() * 200) * ORDERS) / 400)]));
    const catalogue = await RecordProducer.create({
      bootstrapServers: kafkaBootstrap,
      keySerde: S,
      valueSerde: Serdes.Json<Product>(),
    });
    for (const [productId, units] of stock)
      catalogue.send(topics.products.name, productId, {
        schemaVersion: 1,
        productId,
        name: productId,
        priceCents: 700,
        stock: units,
      });
    await catalogue.flush();
    await catalogue.close();
    const commands = await RecordProducer.create({
      bootstrapServers: kafkaBootstrap,
      keySerde: S,
      valueSerde: Serdes.Json<OrderCommand>(),
    });
    const lines = new Map<string, OrderLine[]>();
    const read = async (topic: string): Promise<Keyed[]> =>
      (await broker.readAll(topic)).map((r) => ({
        key: r.key!.toString(),
        value: JSON.parse(r.value!.toString()),
      }));
    const byOrder = (records: Keyed[]) => {
      const map = new Map<string, Keyed['value'][]>();
      for (const r of records) map.set(r.key, [...(map.get(r.key) ?? []), r.value]);
      return map;
    };
    try {
      await withKills({
        args: [kafkaBootstrap, name, 'exactly_once_v2', `${name}-`],
        app: 'shop-app.ts',
        ids: ['a', 'b'],
        kills: 1,
        async produceBatch(batch) {
          for (let n = batch * (ORDERS / 2); n < (batch + 1) * (ORDERS / 2); n++) {
            const orderId = `order-${n}`;
            const orderLines = productIds
              .filter(() => random() < 0.25)
              .map((productId) => ({
                productId,
                quantity: 1 + Math.floor(random() * 4),
                unitPriceCents: 700,
              }));
            if (orderLines.length === 0)
              orderLines.push({ productId: 'p1', quantity: 1, unitPriceCents: 700 });
            lines.set(orderId, orderLines);
            commands.send(topics.orderCommands.name, orderId, {
              schemaVersion: 1,
              type: 'PlaceOrder',
              commandId: `place-${n}`,
              orderId,
              customerId: `c${n % 23}`,
              lines: orderLines,
            });
          }
          await commands.flush();
        },
        // while the first half is being worked through: open transactions, sagas mid-way
        killAfterMs: () => 1_000 + random() * 2_000,
        async finish() {
          const deadline = Date.now() + 240_000;
          const ended = (e: Keyed) => e.value.type === 'SagaCompleted' || e.value.type === 'SagaCompensated';
          while ((await read(topics.sagaEvents.name)).filter(ended).length < ORDERS) {
            if (Date.now() > deadline) throw new Error('not every saga ended in 240 s');
            await new Promise((r) => setTimeout(r, 2_000));
          }
          // Sagas: each started once and ended once.
          const sagas = byOrder(await read(topics.sagaEvents.name));
          const outcome = new Map<string, 'confirmed' | 'cancelled'>();
          for (const orderId of lines.keys()) {
            const events = sagas.get(orderId) ?? [];
            expect(events.filter((e) => e.type === 'SagaStarted').length, orderId).toBe(1);
            const ends = events.filter((e) => e.type === 'SagaCompleted' || e.type === 'SagaCompensated');
            expect(ends.length, orderId).toBe(1);
            outcome.set(orderId, ends[0]!.type === 'SagaCompleted' ? 'confirmed' : 'cancelled');
          }
          // Orders: placed once, versions never repeated, ended as the saga did.
          const orderEvents = byOrder(await read(topics.orderEvents.name));
          for (const [orderId, expected] of outcome) {
            const events = (orderEvents.get(orderId) ?? []).filter((e) => e.type !== 'CommandRejected');
            expect(
              events.map((e) => e.type),
              orderId,
            ).toEqual(['OrderPlaced', expected === 'confirmed' ? 'OrderConfirmed' : 'OrderCancelled']);
            expect(
              events.map((e) => e.version),
              orderId,
            ).toEqual([1, 2]);
          }
          // Money: at most one payment and one refund per order; net paid = the total if confirmed, else 0.
          const payments = byOrder(await read(topics.paymentEvents.name));
          for (const [orderId, expected] of outcome) {
            const events = payments.get(orderId) ?? [];
            const paid = events.filter((e) => e.type === 'PaymentProcessed');
            const refunded = events.filter((e) => e.type === 'PaymentRefunded');
            expect(paid.length, orderId).toBeLessThanOrEqual(1);
            expect(refunded.length, orderId).toBeLessThanOrEqual(1); // a refund of nothing when nothing was paid
            const net =
              paid.reduce((n, e) => n + (e.amountCents as number), 0) -
              refunded.reduce((n, e) => n + (e.amountCents as number), 0);
            const total = lines.get(orderId)!.reduce((n, l) => n + l.quantity * l.unitPriceCents, 0);
            expect(net, orderId).toBe(expected === 'confirmed' ? total : 0);
          }
          // Stock: the stores' last committed values (their changelogs): the units held are exactly
          // the confirmed orders' lines, and the reserved totals and what is available add up.
          const latest = new Map<string, ProductStock>();
          for (const r of await broker.readAll(`${name}-${STOCK_STORE}-changelog`))
            latest.set(r.key!.toString(), JSON.parse(r.value!.toString()));
          const holds = new Map<string, number>();
          for (const r of await broker.readAll(`${name}-${STOCK_HOLDS_STORE}-changelog`))
            if (r.value === null) holds.delete(r.key!.toString());
            else holds.set(r.key!.toString(), JSON.parse(r.value.toString()));
          const confirmedHolds = new Map<string, number>();
          for (const [orderId, o] of outcome)
            if (o === 'confirmed')
              for (const l of lines.get(orderId)!) {
                const key = `${l.productId}/${orderId}`;
                confirmedHolds.set(key, (confirmedHolds.get(key) ?? 0) + l.quantity);
              }
          expect(new Map([...holds].sort())).toEqual(new Map([...confirmedHolds].sort()));
          for (const [productId, units] of stock) {
            const s = latest.get(productId)!;
            const held = [...holds]
              .filter(([key]) => key.startsWith(`${productId}/`))
              .reduce((n, [, q]) => n + q, 0);
            expect(s.reserved, productId).toBe(held);
            expect(available(s) + held, productId).toBe(units);
          }
          // Notifications: each ended order's sent once or dead-lettered once, never both.
          const sent = byOrder(await read(topics.notificationsSent.name));
          const dead = byOrder(await read(topics.notificationsDlq.name));
          for (const orderId of outcome.keys())
            expect((sent.get(orderId)?.length ?? 0) + (dead.get(orderId)?.length ?? 0), orderId).toBe(1);
          expect(dead.size).toBeGreaterThan(0);
          // Analytics: each product's units over its per-minute windows (the window store's
          // changelog: key ‖ 8-byte window start, value the JSON; the last value per window) are
          // those of every order placed.
          const windows = new Map<string, Buffer>();
          for (const r of await broker.readAll(`${name}-${PRODUCT_SALES_PER_MINUTE_STORE}-changelog`))
            if (r.value === null) windows.delete(r.key!.toString('hex'));
            else windows.set(r.key!.toString('hex'), r.value);
          const sold = new Map<string, number>();
          for (const [hexKey, value] of windows) {
            const key = Buffer.from(hexKey, 'hex');
            const productId = key.subarray(0, key.length - 8).toString();
            const sales = JSON.parse(value.toString()) as ProductSales;
            sold.set(productId, (sold.get(productId) ?? 0) + sales.units);
          }
          const ordered = new Map<string, number>();
          for (const orderLines of lines.values())
            for (const l of orderLines)
              ordered.set(l.productId, (ordered.get(l.productId) ?? 0) + l.quantity);
          expect(new Map([...sold].sort())).toEqual(new Map([...ordered].sort()));
          // Every way an order ends happened.
          const reasons = [...sagas.values()].flat().map((e) => String(e.reason ?? ''));
          expect([...outcome.values()].filter((o) => o === 'confirmed').length).toBeGreaterThan(0);
          for (const reason of [
            /^insufficient inventory/,
            /^payment declined/,
            /^step process-payment timed out$/,
          ])
            expect(
              reasons.some((r) => reason.test(r)),
              String(reason),
            ).toBe(true);
        },
      });
    } finally {
      await commands.close();
      await broker.close();
    }
  }, 420_000);
});
