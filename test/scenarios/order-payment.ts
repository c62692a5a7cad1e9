import {
  BufferConfig,
  Consumed,
  Grouped,
  JoinWindows,
  Produced,
  Serdes,
  StreamJoined,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  type Topology,
} from 'rivulet';
import { murmur2 } from '../../engine/transport/murmur2.js';
import type { TestCluster } from './test-cluster.js';

// Orders joined with their payments (a left stream-stream join: "paid" or, once the window has
// closed without one, "unpaid"), and orders per customer and 10 s window as final results
// (suppress untilWindowCloses). The model says exactly which records each output holds, so a
// spurious, lost or duplicated result fails the scenario.

const S = Serdes.String();
const L = Serdes.Long();
export const PARTITIONS = 4;
const JOIN_MS = 5_000;
const GRACE_MS = 1_000;
const WINDOW_MS = 10_000;
// Upstream tasks write the repartition topic at their own pace, so its partitions see event time
// jump back and forth by up to the data's whole span (60 s): the windows' grace covers that.
const WINDOW_GRACE_MS = 120_000;
// Event time near the wall clock: a broker deletes records older than its retention (7 days) and
// refuses ones more than an hour ahead. Window-aligned, so the model's windows are the engine's.
const T0 = Math.floor((Date.now() - 10 * 60_000) / WINDOW_MS) * WINDOW_MS;

export interface OrderPaymentTopics {
  readonly orders: string;
  readonly payments: string;
  readonly joined: string;
  readonly final: string;
}

interface Order {
  readonly customer: string;
  readonly amount: number;
}

export function orderPaymentTopology(t: OrderPaymentTopics): Topology {
  const builder = new StreamsBuilder();
  const orders = builder.stream<string, Order>(t.orders, Consumed.with(S, Serdes.Json<Order>()));
  const payments = builder.stream<string, string>(t.payments, Consumed.with(S, S));
  orders
    .leftJoin(
      payments,
      (_order, payment, orderId) => (payment === null ? `unpaid:${orderId}` : `paid:${orderId}`),
      JoinWindows.ofTimeDifferenceAndGrace(JOIN_MS, GRACE_MS),
      StreamJoined.with(S, Serdes.Json<Order>(), S).withName('order-payment'),
    )
    .to(t.joined, Produced.with(S, S));
  orders
    .groupBy((_id, order) => order.customer, Grouped.with(S, Serdes.Json<Order>()).withName('by-customer'))
    .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW_MS, WINDOW_GRACE_MS))
    .count()
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
    .toStream()
    .map((w, n) => ({ key: `${w.key}@${w.startMs}`, value: n }))
    .to(t.final, Produced.with(S, L));
  return builder.build();
}

interface Input {
  readonly topic: 'orders' | 'payments';
  readonly key: string;
  readonly value: string;
  readonly timestampMs: number;
}

/** Orders every 100 ms; 7 in 10 get a payment 2 s before to 7 s after (beyond 5 s: unpaid). */
function inputs(count: number): Input[] {
  const all: Input[] = [];
  for (let i = 0; i < count; i++) {
    const at = T0 + i * 100;
    const customer = `c${i % 7}`;
    all.push({
      topic: 'orders',
      key: `o${i}`,
      value: JSON.stringify({ customer, amount: i }),
      timestampMs: at,
    });
    if (i % 10 < 7)
      all.push({
        topic: 'payments',
        key: `o${i}`,
        value: `p${i}`,
        timestampMs: at + ((i * 37) % 9000) - 2000,
      });
  }
  return all.sort((a, b) => a.timestampMs - b.timestampMs);
}

export function orderPaymentModel(count: number): { joined: string[]; final: Map<string, number> } {
  const all = inputs(count);
  const paymentAt = new Map(all.filter((r) => r.topic === 'payments').map((r) => [r.key, r.timestampMs]));
  const joined: string[] = [];
  const final = new Map<string, number>();
  for (const order of all.filter((r) => r.topic === 'orders')) {
    const paid = paymentAt.get(order.key);
    joined.push(
      paid !== undefined && Math.abs(paid - order.timestampMs) <= JOIN_MS
        ? `paid:${order.key}`
        : `unpaid:${order.key}`,
    );
    const { customer } = JSON.parse(order.value) as Order;
    const window = `${customer}@${order.timestampMs - (order.timestampMs % WINDOW_MS)}`;
    final.set(window, (final.get(window) ?? 0) + 1);
  }
  return { joined: joined.sort(), final };
}

/** A key of each partition (murmur2 of its bytes, as the producer picks). */
function keysPerPartition(prefix: string): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.filter(Boolean).length < PARTITIONS; i++) {
    const key = `${prefix}${i}`;
    const partition = (murmur2(Buffer.from(key)) & 0x7fffffff) % PARTITIONS;
    keys[partition] ??= key;
  }
  return keys;
}

/**
 * Produces the first `from`..`to` inputs in timestamp order (both topics), in batches. `tick`
 * then sends, far in the future, one order per partition of the orders and of the repartition topic,
 * so every task's stream time passes every window: the ticks' own results never close, never show.
 */
export async function produceOrderPayments(
  cluster: TestCluster,
  t: OrderPaymentTopics,
  count: number,
  from: number,
  to: number,
): Promise<void> {
  const slice = inputs(count).slice(from, to);
  for (const topic of ['orders', 'payments'] as const) {
    const records = slice
      .filter((r) => r.topic === topic)
      .map((r) => ({ key: Buffer.from(r.key), value: Buffer.from(r.value), timestampMs: r.timestampMs }));
    if (records.length) await cluster.produce(t[topic], records);
  }
}

export function inputCount(count: number): number {
  return inputs(count).length;
}

export async function tick(cluster: TestCluster, t: OrderPaymentTopics): Promise<void> {
  const orderKeys = keysPerPartition('tick-order-');
  const customers = keysPerPartition('tick-customer-');
  const at = T0 + 20 * 60_000;
  await cluster.produce(
    t.orders,
    orderKeys.map((key, i) => ({
      key: Buffer.from(key),
      value: Buffer.from(JSON.stringify({ customer: customers[i], amount: 0 })),
      timestampMs: at,
    })),
  );
}

/** Reads both outputs until they equal the model, or fails with the difference. */
export async function awaitOrderPaymentModel(
  cluster: TestCluster,
  t: OrderPaymentTopics,
  count: number,
  timeoutMs: number,
): Promise<void> {
  const model = orderPaymentModel(count);
  const deadline = Date.now() + timeoutMs;
  let problem = 'no output read';
  while (Date.now() < deadline) {
    const joined = (await cluster.readAll(t.joined)).map((r) => S.deserialize(t.joined, r.value)!).sort();
    const final = (await cluster.readAll(t.final)).map(
      (r) => [S.deserialize(t.final, r.key)!, L.deserialize(t.final, r.value)!] as const,
    );
    problem = `${joined.length} join results and ${final.length} final windows read; ${compare(model, joined, final)}`;
    if (compare(model, joined, final) === '') return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the outputs did not reach the model within ${timeoutMs} ms: ${problem}`);
}

function compare(
  model: { joined: string[]; final: Map<string, number> },
  joined: string[],
  final: readonly (readonly [string, number])[],
): string {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const j of joined) seen.set(j, (seen.get(j) ?? 0) + 1);
  const duplicated = [...seen].filter(([, n]) => n > 1).map(([j]) => j);
  if (duplicated.length) problems.push(`joined twice: ${duplicated.slice(0, 5).join(', ')}`);
  const missing = model.joined.filter((j) => !seen.has(j));
  if (missing.length)
    problems.push(`${missing.length} join results missing, e.g. ${missing.slice(0, 5).join(', ')}`);
  const spurious = [...seen.keys()].filter((j) => !model.joined.includes(j));
  if (spurious.length) problems.push(`spurious join results: ${spurious.slice(0, 5).join(', ')}`);
  const windows = new Map<string, number[]>();
  for (const [w, n] of final) windows.set(w, [...(windows.get(w) ?? []), n]);
  for (const [w, n] of model.final) {
    const got = windows.get(w);
    if (got?.length !== 1 || got[0] !== n) problems.push(`window ${w}: expected [${n}], got [${got ?? ''}]`);
  }
  for (const w of windows.keys()) if (!model.final.has(w)) problems.push(`unexpected final result for ${w}`);
  return problems.slice(0, 6).join('; ');
}
