import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Consumed, KafkaStreams, Materialized, Produced, Serdes, StreamsBuilder } from 'rivulet';
import type { TestCluster } from './test-cluster.js';

const S = Serdes.String();

export interface GlobalJoinOptions {
  readonly applicationId: string;
  readonly guarantee: 'at_least_once' | 'exactly_once_v2';
  /** Products in the global table; every third is deleted again before the instances start. */
  readonly products: number;
  /** Orders per phase. */
  readonly orders: number;
}

const topics = (o: GlobalJoinOptions) => ({
  products: `${o.applicationId}-products`,
  orders: `${o.applicationId}-orders`,
  enriched: `${o.applicationId}-enriched`,
});

/** Orders left-joined with the product their value names, from a GlobalKTable of products. */
function topology(o: GlobalJoinOptions) {
  const t = topics(o);
  const builder = new StreamsBuilder();
  const products = builder.globalTable<string, string>(
    t.products,
    Consumed.with(S, S),
    Materialized.as('products'),
  );
  builder
    .stream<string, string>(t.orders, Consumed.with(S, S))
    .leftJoin(
      products,
      (_orderId, productId) => productId,
      (productId, product) => `${productId}=${product ?? 'unknown'}`,
    )
    .to(t.enriched, Produced.with(S, S));
  return builder.build();
}

const productId = (i: number) => `p${i}`;

/**
 * A GlobalKTable join across instances. Products are written (and some deleted) before any
 * instance starts, and orders before the stream thread can possibly run: an instance that joined a
 * stream record before its global store was restored would emit `unknown`. Then three instances
 * share the orders while each holds every product; product updates reach every instance; an
 * instance restarted on its own state directory and a new one on an empty one both come back
 * whole. Returns the problems found (empty: all good).
 */
export async function globalTableJoinScenario(cluster: TestCluster, o: GlobalJoinOptions): Promise<string[]> {
  const t = topics(o);
  await cluster.createTopic(t.products, 3);
  await cluster.createTopic(t.orders, 4);
  await cluster.createTopic(t.enriched, 4);
  const model = new Map<string, string>();
  const rows: { key: Buffer; value: Buffer }[] = [];
  for (let i = 0; i < o.products; i++) {
    model.set(productId(i), `v1-${i}`);
    rows.push({ key: Buffer.from(productId(i)), value: Buffer.from(`v1-${i}`) });
  }
  await cluster.produce(t.products, rows);
  // Tombstones: a deleted product joins as unknown.
  const deleted = [...model.keys()].filter((_, i) => i % 3 === 0);
  for (const id of deleted) model.delete(id);
  await cluster.produce(
    t.products,
    deleted.map((id) => ({ key: Buffer.from(id), value: null })),
  );
  const expected: string[] = [];
  const produceOrders = async (phase: string) => {
    const batch = [];
    for (let i = 0; i < o.orders; i++) {
      const product = productId((i * 7) % o.products);
      batch.push({ key: Buffer.from(`${phase}-o${i}`), value: Buffer.from(product) });
      expected.push(`${phase}-o${i}:${product}=${model.get(product) ?? 'unknown'}`);
    }
    await cluster.produce(t.orders, batch);
  };
  await produceOrders('before-start');

  const problems: string[] = [];
  let got: string[] = [];
  /** Waits until every order produced so far has its result (a phase ends before the table changes). */
  const awaitResults = async () => {
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      got = (await cluster.readAll(t.enriched)).map((r) => `${r.key}:${r.value}`);
      if (got.length >= expected.length) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const running: KafkaStreams[] = [];
  const stateDirs = new Map<string, string>();
  const start = async (id: string, fresh: boolean) => {
    if (fresh || !stateDirs.has(id)) stateDirs.set(id, mkdtempSync(join(tmpdir(), `rivulet-global-${id}-`)));
    const streams = new KafkaStreams(topology(o), {
      applicationId: o.applicationId,
      bootstrapServers: cluster.bootstrapServers,
      instanceId: id,
      stateDir: stateDirs.get(id)!,
      processingGuarantee: o.guarantee,
      commitIntervalMs: 200,
    });
    running.push(streams);
    await streams.start();
    // start() resolves once the stream thread has joined, before it processes: the global store is already whole.
    const held = streams.store<string, string>('products').approximateNumEntries();
    if (held !== model.size)
      problems.push(
        `instance ${id} began processing with ${held} of ${model.size} products in its global store`,
      );
    await streams.waitForState('RUNNING', 60_000);
    return streams;
  };
  const stop = async (streams: KafkaStreams) => {
    running.splice(running.indexOf(streams), 1);
    await streams.close();
  };
  /** Every running instance's global store equals the model. */
  const storesMatch = () =>
    running.every((s) => {
      const store = s.store<string, string>('products');
      return (
        store.approximateNumEntries() === model.size &&
        [...model].every(([id, value]) => store.get(id) === value) &&
        deleted.every((id) => store.get(id) === null)
      );
    });
  const waitForStores = async (what: string) => {
    const deadline = Date.now() + 60_000;
    while (!storesMatch()) {
      if (Date.now() > deadline) {
        problems.push(`${what}: a global store did not match the model within 60 s`);
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  try {
    const a = await start('a', true);
    await start('b', true);
    await start('c', true);
    await waitForStores('after start');
    await produceOrders('three-instances');
    await awaitResults();

    // Updates reach every instance's copy; orders after that join the new values.
    const updated = [...model.keys()].filter((_, i) => i % 2 === 0);
    for (const id of updated) model.set(id, `v2-${id}`);
    await cluster.produce(
      t.products,
      updated.map((id) => ({ key: Buffer.from(id), value: Buffer.from(`v2-${id}`) })),
    );
    await waitForStores('after updates');
    await produceOrders('after-update');
    await awaitResults();

    // A restart on its own (checkpointed) state, and a new instance on an empty directory.
    await stop(a);
    await start('a', false);
    await start('d', true);
    await waitForStores('after restarts');
    await produceOrders('after-restart');

    await awaitResults();
    const missing = expected.filter((e) => !got.includes(e));
    const unexpected = got.filter((g) => !expected.includes(g));
    if (missing.length)
      problems.push(`${missing.length} expected results missing, e.g. ${missing.slice(0, 3).join(', ')}`);
    if (unexpected.length)
      problems.push(`${unexpected.length} unexpected results, e.g. ${unexpected.slice(0, 3).join(', ')}`);
    if (o.guarantee === 'exactly_once_v2' && got.length !== new Set(got).size)
      problems.push(`duplicates under exactly_once_v2: ${got.length - new Set(got).size}`);
  } finally {
    await Promise.all(running.map((s) => s.close()));
  }
  return problems;
}
