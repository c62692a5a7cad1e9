// The shop end to end on a real broker: orders per second from PlaceOrder to OrderConfirmed with 1
// and 3 instances (each its own process), and the latency placed → confirmed at a fixed offered
// rate, under both guarantees. See docs/benchmarks.md ("The shop").
//   npm run bench:shop -- [--orders N] [--rate R] [--latency-seconds S] [--instances 1,3]
//                         [--guarantee at_least_once|exactly_once_v2|both] [--keep-broker] [--quick]
// (--quick: a few hundred orders, 1 instance, no results file, so a test can check the runner.)
// Prints the table and writes bench/results/<date>-shop.json. KAFKA_BOOTSTRAP_SERVERS reuses a broker;
// BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR" profiles the instances.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build as buildHistogram } from 'hdr-histogram-js';
import { RecordProducer, Serdes } from 'rivulet';
import type { Product } from '../../topologies/shop/inventory-events.js';
import {
  type CatalogueEntry,
  DEMO_CATALOGUE,
  randomLines,
  writeCatalogue,
} from '../../topologies/shop/load-generator.js';
import type { OrderCommand, OrderEvent } from '../../topologies/shop/order-events.js';
import { createShopTopics } from '../../topologies/shop/shop-topology.js';
import { type ShopTopics, shopTopics } from '../../topologies/shop/topics.js';
import { READY_LINE } from '../broker/apps/app-args.js';
import { ensureBroker } from '../broker/broker.js';
import { stopEngine } from '../broker/engine-process.js';
import { NODE_OPTIONS } from '../broker/engines.js';
import { callback, Kafka, type RdKafka } from '../broker/native.js';

type Guarantee = 'at_least_once' | 'exactly_once_v2';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '20000' },
    rate: { type: 'string', default: '500' },
    'latency-seconds': { type: 'string', default: '30' },
    instances: { type: 'string', default: '1,3' },
    guarantee: { type: 'string', default: 'both' },
    'keep-broker': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const orders = quick ? 300 : Number(values.orders);
const rate = quick ? 100 : Number(values.rate);
const latencySeconds = quick ? 4 : Number(values['latency-seconds']);
const instanceCounts = (quick ? '1' : values.instances).split(',').map(Number);
const guarantees: Guarantee[] =
  values.guarantee === 'both' ? ['at_least_once', 'exactly_once_v2'] : [values.guarantee as Guarantee];
const bad = [
  !(Number.isInteger(orders) && orders > 0) && `--orders must be a whole number > 0, got '${values.orders}'`,
  !(rate > 0) && `--rate must be > 0, got '${values.rate}'`,
  !(latencySeconds > 0) && `--latency-seconds must be > 0, got '${values['latency-seconds']}'`,
  !instanceCounts.every((n) => Number.isInteger(n) && n > 0) &&
    `--instances must be whole numbers > 0, comma-separated, got '${values.instances}'`,
  !guarantees.every((g) => g === 'at_least_once' || g === 'exactly_once_v2') &&
    `--guarantee must be at_least_once, exactly_once_v2 or both, got '${values.guarantee}'`,
].filter(Boolean);
if (bad.length > 0) {
  console.error(bad.join('\n'));
  process.exit(2);
}

const ROOT = resolve(import.meta.dirname, '../..');
const S = Serdes.String();
/** The demo catalogue without the limited edition, stocked for any run: every order is confirmed. */
const CATALOGUE: CatalogueEntry[] = DEMO_CATALOGUE.filter(
  (e) => e.product.productId !== 'limited-edition',
).map((e) => ({ ...e, product: { ...e.product, stock: 1_000_000_000 } }));

interface CaseResult {
  readonly guarantee: Guarantee;
  readonly instances: number;
  readonly ordersPerSec: number;
  readonly orders: number;
  readonly offeredRate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly samples: number;
}

/** Watches `order-events` from the start: calls `onEnded(orderId, type)` for each confirmation or cancellation. */
async function watchOrders(
  bootstrap: string,
  topics: ShopTopics,
  onEnded: (orderId: string, type: string) => void,
) {
  const consumer = new Kafka.KafkaConsumer(
    {
      'bootstrap.servers': bootstrap,
      'group.id': `${topics.orderEvents.name}-bench-observer`,
      'enable.auto.commit': false,
      'fetch.wait.max.ms': 5,
      'fetch.min.bytes': 1,
      // under exactly_once_v2 an order is confirmed when the transaction that says so commits
      'isolation.level': 'read_committed',
    },
    {},
  );
  await callback<unknown>('observer.connect', (cb) => consumer.connect({}, cb));
  consumer.setDefaultConsumeTimeout(5); // the binding's default (1 s per record) would be the latency measured
  consumer.assign(
    Array.from({ length: topics.orderEvents.partitions }, (_, partition) => ({
      topic: topics.orderEvents.name,
      partition,
      offset: 0,
    })),
  );
  let watching = true;
  const loop = (async () => {
    while (watching) {
      const batch = await callback<RdKafka.Message[]>('observer.consume', (cb) => consumer.consume(1000, cb));
      for (const m of batch) {
        if (!m.value) continue;
        const event = JSON.parse(m.value.toString()) as OrderEvent;
        if (event.type === 'OrderConfirmed' || event.type === 'OrderCancelled')
          onEnded(event.orderId, event.type);
      }
    }
  })();
  return async () => {
    watching = false;
    await loop;
    await callback<unknown>('observer.disconnect', (cb) => consumer.disconnect(cb));
  };
}

function startInstance(bootstrap: string, prefix: string, guarantee: Guarantee, workDir: string, i: number) {
  const stateDir = join(workDir, `state-${prefix}${i}`);
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...NODE_OPTIONS,
      ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
      '--conditions',
      'rivulet-source',
      '--import',
      'tsx',
      resolve(import.meta.dirname, 'shop-instance.ts'),
      ...['--bootstrap', bootstrap, '--prefix', prefix, '--guarantee', guarantee],
      ...['--state-dir', stateDir],
    ],
    // As docs/operations.md asks of an instance on Kafka: enough libuv workers for librdkafka's calls.
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RIVULET_LOG_LEVEL: 'warn', UV_THREADPOOL_SIZE: '16' },
    },
  );
  const log = createWriteStream(join(workDir, `${prefix}${i}.log`));
  child.stderr!.pipe(log);
  const ready = new Promise<void>((resolveReady, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (chunk.toString().includes(READY_LINE)) resolveReady();
    });
    child.on('exit', (code) =>
      reject(new Error(`shop instance ${i} exited with code ${code} before it was ready; see ${workDir}`)),
    );
  });
  return { child, ready };
}

async function until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function runCase(
  bootstrap: string,
  workDir: string,
  guarantee: Guarantee,
  instances: number,
): Promise<CaseResult> {
  const prefix = `bench-shop-${guarantee === 'exactly_once_v2' ? 'eos' : 'alos'}-${instances}-${Date.now().toString(36)}-`;
  const topics = shopTopics(prefix);
  await createShopTopics(bootstrap, topics);
  const catalogue = await RecordProducer.create({
    bootstrapServers: bootstrap,
    keySerde: S,
    valueSerde: Serdes.Json<Product>(),
  });
  await writeCatalogue(catalogue, topics, CATALOGUE);
  await catalogue.close();
  const commands = await RecordProducer.create({
    bootstrapServers: bootstrap,
    keySerde: S,
    valueSerde: Serdes.Json<OrderCommand>(),
  });
  const started = Array.from({ length: instances }, (_, i) =>
    startInstance(bootstrap, prefix, guarantee, workDir, i),
  );
  const sentAt = new Map<string, number>();
  const latency = buildHistogram({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000,
    numberOfSignificantValueDigits: 3,
  });
  let confirmed = 0;
  let cancelled = 0;
  let lastEndedAt = 0;
  const stopWatching = await watchOrders(bootstrap, topics, (orderId, type) => {
    if (type === 'OrderConfirmed') confirmed++;
    else cancelled++;
    lastEndedAt = Date.now();
    const at = sentAt.get(orderId);
    if (at !== undefined) latency.recordValue(Math.max(1, lastEndedAt - at));
  });
  const place = (orderId: string) =>
    commands.send(topics.orderCommands.name, orderId, {
      schemaVersion: 1,
      type: 'PlaceOrder',
      commandId: `place-${orderId}`,
      orderId,
      customerId: `customer-${1 + Math.floor(Math.random() * 1_000)}`,
      lines: randomLines(CATALOGUE),
    });
  try {
    await Promise.all(started.map((s) => s.ready));
    // Warm up (the first rebalances settle, every task restored): a few orders through the saga.
    for (let i = 0; i < 50; i++) place(`warmup-${i}`);
    await commands.flush();
    await until('the warm-up orders ending', () => confirmed + cancelled >= 50, 120_000);

    // Throughput: `orders` written at once; the time from the first write to the last confirmation.
    const before = confirmed + cancelled;
    const t0 = Date.now();
    for (let i = 0; i < orders; i++) place(`order-${i}`);
    await commands.flush();
    await until('every order ending', () => confirmed + cancelled >= before + orders, 600_000);
    const ordersPerSec = orders / ((lastEndedAt - t0) / 1000);

    // Latency: `rate` orders/s for `latencySeconds` (open loop, a batch every 10 ms), placed → confirmed.
    let sequence = 0;
    const latencyStart = Date.now();
    const ticker = setInterval(() => {
      const due = Math.floor(((Date.now() - latencyStart) / 1000) * rate) - sequence;
      const now = Date.now();
      for (let i = 0; i < due && sequence < rate * latencySeconds; i++) {
        const orderId = `latency-${++sequence}`;
        sentAt.set(orderId, now);
        place(orderId);
      }
      commands
        .flush()
        .catch((err: Error) => console.error(`bench: a latency batch was not written: ${err.message}`));
    }, 10);
    await until(
      'the latency orders placed',
      () => sequence >= rate * latencySeconds,
      (latencySeconds + 30) * 1000,
    );
    clearInterval(ticker);
    await commands.flush();
    await until('every latency order ending', () => latency.totalCount >= sequence, 120_000);
    if (cancelled > 0)
      throw new Error(`${cancelled} orders were cancelled: the bench expects every one confirmed`);
    return {
      guarantee,
      instances,
      ordersPerSec: Math.round(ordersPerSec),
      orders,
      offeredRate: rate,
      p50Ms: latency.getValueAtPercentile(50),
      p99Ms: latency.getValueAtPercentile(99),
      maxMs: latency.maxValue,
      samples: latency.totalCount,
    };
  } finally {
    await stopWatching();
    await commands.close();
    await Promise.all(started.map((s) => stopEngine(s.child)));
  }
}

const broker = ensureBroker(values['keep-broker']);
const workDir = mkdtempSync(join(tmpdir(), 'rivulet-bench-shop-'));
const results: CaseResult[] = [];
try {
  for (const guarantee of guarantees)
    for (const instances of instanceCounts) {
      process.stderr.write(`bench: shop ${guarantee}, ${instances} instance(s)...\n`);
      const r = await runCase(broker.bootstrap, workDir, guarantee, instances);
      process.stderr.write(
        `bench: shop ${guarantee} ${instances} instance(s): ${r.ordersPerSec} orders/s; at ${r.offeredRate} orders/s p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms\n`,
      );
      results.push(r);
    }
} finally {
  broker.stop();
}
rmSync(workDir, { recursive: true, force: true });

const lines = [
  `| guarantee | instances | orders/s (placed → confirmed, ${orders} orders) | p50 ms at ${rate}/s | p99 ms | max ms |`,
  '|---|---|---|---|---|---|',
  ...results.map(
    (r) => `| ${r.guarantee} | ${r.instances} | ${r.ordersPerSec} | ${r.p50Ms} | ${r.p99Ms} | ${r.maxMs} |`,
  ),
];
console.log(lines.join('\n'));
if (!quick) {
  const file = resolve(ROOT, 'bench/results', `${new Date().toISOString().slice(0, 10)}-shop.json`);
  mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify({ orders, rate, latencySeconds, commitIntervalMs: 'engine defaults', results }, null, 2)}\n`,
  );
  console.log(`\nwritten: ${file}`);
}
