import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Consumed,
  KafkaStreams,
  Materialized,
  Produced,
  Serdes,
  Stores,
  StreamsBuilder,
  type Topology,
} from 'rivulet';
import { seededRandom } from './seeded-random.js';
import type { TestCluster } from './test-cluster.js';

// Orders priced by a versioned table of prices (a temporal stream-table left join): each order
// joins the price that was valid at the order's own time, whatever was processed later. The price
// history is written first, in time order per key (some prices deleted for a while); the orders
// come later, at random times across that history. The model is the lookup itself.

const S = Serdes.String();
export const PARTITIONS = 4;
const PRODUCTS = 40;
const SPAN_MS = 60_000;

export interface TemporalJoinTopics {
  readonly prices: string;
  readonly orders: string;
  readonly priced: string;
}

export function temporalJoinTopology(t: TemporalJoinTopics): Topology {
  const builder = new StreamsBuilder();
  const prices = builder.table<string, string>(
    t.prices,
    Consumed.with(S, S),
    Materialized.as(Stores.persistentVersionedKeyValueStore('prices', 86_400_000)),
  );
  builder
    .stream<string, string>(t.orders, Consumed.with(S, S))
    .leftJoin(prices, (orderId, price, product) => `${orderId}:${product}@${price ?? 'none'}`)
    .to(t.priced, Produced.with(S, S));
  return builder.build();
}

export function temporalJoinInstance(
  bootstrapServers: string,
  applicationId: string,
  instanceId: string,
  topics: TemporalJoinTopics,
  guarantee: 'at_least_once' | 'exactly_once_v2',
): KafkaStreams {
  return new KafkaStreams(temporalJoinTopology(topics), {
    applicationId,
    bootstrapServers,
    instanceId,
    stateDir: mkdtempSync(join(tmpdir(), `rivulet-temporal-${instanceId}-`)),
    processingGuarantee: guarantee,
    commitIntervalMs: 100,
  });
}

/** The seeded price history and orders, and each order's expected result. */
export function temporalJoinData(orders: number, seed: number) {
  const random = seededRandom(seed);
  const t0 = Date.now() - 10 * 60_000;
  const prices: { key: string; value: string | null; timestampMs: number }[] = [];
  for (let p = 0; p < PRODUCTS; p++) {
    let t = t0 + Math.floor(random() * 2_000);
    while (t < t0 + SPAN_MS) {
      prices.push({
        key: `p${p}`,
        value: random() < 0.15 ? null : `${Math.floor(random() * 1000)}`,
        timestampMs: t,
      });
      t += 500 + Math.floor(random() * 5_000);
    }
  }
  // In time order, so each partition's queue of prices is too: a task reads them in timestamp order.
  prices.sort((a, b) => a.timestampMs - b.timestampMs);
  const asOf = (key: string, t: number) => {
    let found: string | null = null;
    for (const p of prices) if (p.key === key && p.timestampMs <= t) found = p.value;
    return found;
  };
  const orderRecords = Array.from({ length: orders }, (_, i) => {
    const product = `p${Math.floor(random() * PRODUCTS)}`;
    const timestampMs = t0 + Math.floor(random() * SPAN_MS);
    return {
      key: product,
      value: `o${i}`,
      timestampMs,
      expected: `o${i}:${product}@${asOf(product, timestampMs) ?? 'none'}`,
    };
  });
  return { prices, orders: orderRecords };
}

export async function producePrices(
  cluster: TestCluster,
  topics: TemporalJoinTopics,
  data: ReturnType<typeof temporalJoinData>,
) {
  await cluster.produce(
    topics.prices,
    data.prices.map((p) => ({
      key: Buffer.from(p.key),
      value: p.value === null ? null : Buffer.from(p.value),
      timestampMs: p.timestampMs,
    })),
  );
}

export async function produceOrders(
  cluster: TestCluster,
  topics: TemporalJoinTopics,
  data: ReturnType<typeof temporalJoinData>,
  from: number,
  to: number,
) {
  await cluster.produce(
    topics.orders,
    data.orders
      .slice(from, to)
      .map((o) => ({ key: Buffer.from(o.key), value: Buffer.from(o.value), timestampMs: o.timestampMs })),
  );
}

/** Waits until every order has its result; returns what differs from the model (empty: all good), duplicates included. */
export async function awaitTemporalJoinModel(
  cluster: TestCluster,
  topics: TemporalJoinTopics,
  data: ReturnType<typeof temporalJoinData>,
  timeoutMs: number,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let got: string[] = [];
  while (Date.now() < deadline) {
    got = (await cluster.readAll(topics.priced)).map((r) => r.value!.toString());
    if (got.length >= data.orders.length) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const expected = new Set(data.orders.map((o) => o.expected));
  const problems = got.filter((g) => !expected.has(g)).map((g) => `unexpected ${g}`);
  const seen = new Set(got);
  for (const e of expected) if (!seen.has(e)) problems.push(`missing ${e}`);
  if (seen.size !== got.length) problems.push(`${got.length - seen.size} duplicate results`);
  return problems.slice(0, 10);
}
