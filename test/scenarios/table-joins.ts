import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Consumed,
  KafkaStreams,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  type Topology,
} from 'rivulet';
import { seededRandom } from './seeded-random.js';
import type { TestCluster } from './test-cluster.js';

// Orders joined with their customer by foreign key (a left join: an order whose customer is
// missing still shows, with "?") and with their shipment by key (a table-table join). The input is
// a seeded random history of creates, updates (orders moving to another customer), and deletes on
// all three tables; the model is the join of the final tables, which each output's final table
// (its last value per key) must equal — nothing stale, lost or left behind.

const S = Serdes.String();
export const PARTITIONS = 4;

export interface TableJoinTopics {
  readonly orders: string;
  readonly customers: string;
  readonly shipments: string;
  readonly withCustomer: string;
  readonly withShipment: string;
}

interface Order {
  readonly customer: string;
  readonly rev: number;
}

export function tableJoinsTopology(t: TableJoinTopics): Topology {
  const builder = new StreamsBuilder();
  // Uncached: with a cache, a key deleted on both sides of a table-table join within one commit
  // interval keeps its last result (each side's delete finds the other side gone; Kafka Streams'
  // KTableKTableInnerJoin does the same), and the final tables would not be the join of the inputs.
  const uncached = <V>(store: string) => Materialized.as<string, V>(store).withCachingDisabled();
  const orders = builder.table(t.orders, Consumed.with(S, Serdes.Json<Order>()), uncached<Order>('orders'));
  const customers = builder.table(t.customers, Consumed.with(S, S), uncached<string>('customers'));
  const shipments = builder.table(t.shipments, Consumed.with(S, S), uncached<string>('shipments'));
  orders
    .leftJoin(
      customers,
      (order) => order.customer,
      (order, customer) => `${order.customer}@${order.rev}:${customer ?? '?'}`,
    )
    .toStream()
    .to(t.withCustomer, Produced.with(S, S));
  orders
    .join(shipments, (order, shipment) => `${order.rev}:${shipment}`)
    .toStream()
    .to(t.withShipment, Produced.with(S, S));
  return builder.build();
}

export function tableJoinsInstance(
  bootstrapServers: string,
  applicationId: string,
  instanceId: string,
  topics: TableJoinTopics,
  guarantee: 'at_least_once' | 'exactly_once_v2',
): KafkaStreams {
  return new KafkaStreams(tableJoinsTopology(topics), {
    applicationId,
    bootstrapServers,
    instanceId,
    stateDir: mkdtempSync(join(tmpdir(), `rivulet-table-joins-${instanceId}-`)),
    processingGuarantee: guarantee,
    commitIntervalMs: 100,
  });
}

/** A seeded history of updates to the three tables, and the final tables it leaves. */
export function tableJoinHistory(updates: number, seed: number) {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const history: { table: 'orders' | 'customers' | 'shipments'; key: string; value: string | null }[] = [];
  const orders = new Map<string, Order>();
  const customers = new Map<string, string>();
  const shipments = new Map<string, string>();
  for (let i = 0; i < updates; i++) {
    const roll = random();
    if (roll < 0.5) {
      const key = `o${pick(120)}`;
      if (orders.has(key) && random() < 0.15) {
        orders.delete(key);
        history.push({ table: 'orders', key, value: null });
      } else {
        const order = { customer: `c${pick(30)}`, rev: i };
        orders.set(key, order);
        history.push({ table: 'orders', key, value: JSON.stringify(order) });
      }
    } else if (roll < 0.8) {
      const key = `c${pick(30)}`;
      const value = random() < 0.2 ? null : `name${i}`;
      if (value === null) customers.delete(key);
      else customers.set(key, value);
      history.push({ table: 'customers', key, value });
    } else {
      const key = `o${pick(120)}`;
      const value = random() < 0.2 ? null : `ship${i}`;
      if (value === null) shipments.delete(key);
      else shipments.set(key, value);
      history.push({ table: 'shipments', key, value });
    }
  }
  const withCustomer = new Map<string, string>();
  const withShipment = new Map<string, string>();
  for (const [key, order] of orders) {
    withCustomer.set(key, `${order.customer}@${order.rev}:${customers.get(order.customer) ?? '?'}`);
    const shipment = shipments.get(key);
    if (shipment !== undefined) withShipment.set(key, `${order.rev}:${shipment}`);
  }
  return { history, withCustomer, withShipment };
}

/** Produces updates `from` .. `to - 1` of the history, each table's in order. */
export async function produceHistory(
  cluster: TestCluster,
  topics: TableJoinTopics,
  history: ReturnType<typeof tableJoinHistory>['history'],
  from: number,
  to: number,
): Promise<void> {
  const byTable = new Map<string, { key: Buffer; value: Buffer | null; timestampMs: number }[]>();
  const now = Date.now();
  for (let i = from; i < to; i++) {
    const u = history[i]!;
    const topic = topics[u.table];
    const list = byTable.get(topic) ?? [];
    list.push({
      key: Buffer.from(u.key),
      value: u.value === null ? null : Buffer.from(u.value),
      timestampMs: now + i,
    });
    byTable.set(topic, list);
  }
  for (const [topic, records] of byTable) await cluster.produce(topic, records);
}

/** An output topic's final table: the last value per key (all of a key's results are in its partition, in order). */
export async function finalTable(cluster: TestCluster, topic: string): Promise<Map<string, string>> {
  const table = new Map<string, string>();
  for (const r of await cluster.readAll(topic)) {
    const key = r.key!.toString();
    if (r.value === null) table.delete(key);
    else table.set(key, r.value.toString());
  }
  return table;
}

/** Waits until both outputs' final tables equal the model; throws naming the differences. */
export async function awaitTableJoinModel(
  cluster: TestCluster,
  topics: TableJoinTopics,
  model: ReturnType<typeof tableJoinHistory>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let problems: string[] = [];
  while (Date.now() < deadline) {
    problems = [
      ...differences('foreign-key join', model.withCustomer, await finalTable(cluster, topics.withCustomer)),
      ...differences('table-table join', model.withShipment, await finalTable(cluster, topics.withShipment)),
    ];
    if (problems.length === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the join results did not reach the model within ${timeoutMs} ms: ${problems.join('; ')}`);
}

function differences(what: string, expected: Map<string, string>, got: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of expected)
    if (got.get(k) !== v) out.push(`${what} ${k}: expected ${v}, got ${got.get(k) ?? 'none'}`);
  for (const [k, v] of got) if (!expected.has(k)) out.push(`${what} ${k}: unexpected ${v}`);
  return out.slice(0, 5).concat(out.length > 5 ? [`(${out.length} differences in all)`] : []);
}
