// `npm start`: runs the shop (every service, topologies/shop/) on N instances in this process, on
// the embedded log (no Kafka needed) or on Kafka, with a load generator placing orders; serves the
// shop API and the stores over HTTP and prints a one-line status every few seconds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KafkaStreams, RecordProducer, Serdes } from 'rivulet';
import { type QueryServer, startQueryServer } from 'rivulet/interactive-queries';
import { shopApi } from './shop/http-api.js';
import type { Product } from './shop/inventory-events.js';
import { startLoadGenerator, writeCatalogue } from './shop/load-generator.js';
import type { OrderCommand } from './shop/order-events.js';
import { SAGA_MONITOR_KEY, SAGA_MONITOR_STORE, type SagaMonitor } from './shop/read-models.js';
import { createShopTopics, SHOP_SERVICES, type ShopService, shopTopology } from './shop/shop-topology.js';

// The status line shows what happens; the engine's own log (JSON on stderr) then only needs to
// show warnings and errors. RIVULET_LOG_LEVEL=info shows everything.
process.env.RIVULET_LOG_LEVEL ??= 'warn';

const USAGE = `usage: npm start -- [--seconds N (> 0)] [--instances 1..8] [--port 1024..65000]
  [--rate ORDERS_PER_SECOND (0..5000, default 50; 0 with --role)] [--decline-rate 0..1 (default 0.05)]
  [--outage-rate 0..1 (default 0.01)] [--notification-failure-rate 0..1 (default 0.1)]
  [--bootstrap-servers HOST:PORT,... (default memory://shop: the embedded log)]
  [--role all|SERVICE[,SERVICE...] (default all; services: ${SHOP_SERVICES.join(', ')})]
  [--schema-registry URL (its Confluent API, e.g. http://127.0.0.1:8081/apis/ccompat/v7: order events as JSON Schema)]`;
function usageError(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}
const options = {
  seconds: { type: 'string' },
  instances: { type: 'string', default: '2' },
  port: { type: 'string', default: '7070' },
  rate: { type: 'string' },
  'decline-rate': { type: 'string', default: '0.05' },
  'outage-rate': { type: 'string', default: '0.01' },
  'notification-failure-rate': { type: 'string', default: '0.1' },
  'bootstrap-servers': { type: 'string', default: 'memory://shop' },
  role: { type: 'string', default: 'all' },
  'schema-registry': { type: 'string' },
} as const;
let values: Partial<Record<keyof typeof options, string>>;
try {
  ({ values } = parseArgs({ options }));
} catch (err) {
  usageError((err as Error).message);
}
/** A number flag within [min, max] (whole if `integer`), or the usage error naming it. */
function numberFlag(name: keyof typeof options, min: number, max: number, integer = false): number {
  const value = Number(values[name]);
  if (!(value >= min && value <= max && (!integer || Number.isInteger(value))))
    usageError(`--${name} must be ${integer ? 'a whole number ' : ''}${min}..${max}, got '${values[name]}'`);
  return value;
}
const seconds = values.seconds === undefined ? undefined : Number(values.seconds);
if (seconds !== undefined && !(seconds > 0))
  usageError(`--seconds must be a number > 0, got '${values.seconds}'`);
const instanceCount = numberFlag('instances', 1, 8, true);
const basePort = numberFlag('port', 1024, 65_000, true);
// One load generator is enough: with --role, only where --rate is given.
values.rate ??= values.role === 'all' ? '50' : '0';
const rate = numberFlag('rate', 0, 5_000);
const declineRate = numberFlag('decline-rate', 0, 1);
const outageRate = numberFlag('outage-rate', 0, 1);
const notificationFailureRate = numberFlag('notification-failure-rate', 0, 1);
const bootstrapServers = values['bootstrap-servers']!;
const onKafka = !bootstrapServers.startsWith('memory://');
const roles = values.role === 'all' ? [...SHOP_SERVICES] : [...new Set(values.role!.split(','))];
for (const role of roles)
  if (!(SHOP_SERVICES as readonly string[]).includes(role))
    usageError(
      `--role: '${role}' is not a service of the shop; the services are ${SHOP_SERVICES.join(', ')}, or all`,
    );
const services = roles as ShopService[];
const registryUrl = values['schema-registry'];
if (registryUrl !== undefined && !/^https?:\/\/.+/.test(registryUrl))
  usageError(`--schema-registry must be an http(s) URL, got '${registryUrl}'`);
if (!onKafka && values.role !== 'all')
  usageError(
    '--role runs some services in this process and the others elsewhere: that needs Kafka (--bootstrap-servers); the embedded log lives in one process',
  );
// Processes of different services are different applications.
const applicationId = values.role === 'all' ? 'shop' : `shop-${[...services].sort().join('-')}`;
// The catalogue (re)stocks the products: written where the inventory runs.
const writesCatalogue = services.includes('inventory');

console.log(
  `rivulet shop: ${values.role === 'all' ? 'every service' : services.join(', ')} (${applicationId}) on ${instanceCount} instance(s), on ${onKafka ? `Kafka at ${bootstrapServers}` : `the embedded log (${bootstrapServers})`}\n`,
);
const topology = () =>
  shopTopology(undefined, {
    services,
    payments: { declineRate, outageRate },
    notifications: { failureRate: notificationFailureRate },
    ...(registryUrl === undefined ? {} : { schemaRegistry: { url: registryUrl } }),
  });
console.log(topology().describe().toString());

try {
  await createShopTopics(bootstrapServers);
} catch (err) {
  console.error(`cannot create the shop's topics on ${bootstrapServers}: ${(err as Error).message}`);
  process.exit(1);
}
const S = Serdes.String();
if (writesCatalogue) {
  const catalogue = await RecordProducer.create({
    bootstrapServers,
    keySerde: S,
    valueSerde: Serdes.Json<Product>(),
  });
  await writeCatalogue(catalogue);
  await catalogue.close();
}
const commands = await RecordProducer.create({
  bootstrapServers,
  keySerde: S,
  valueSerde: Serdes.Json<OrderCommand>(),
});

const stateDirs: string[] = [];
const instances = Array.from({ length: instanceCount }, (_, i) => {
  const stateDir = mkdtempSync(join(tmpdir(), `rivulet-shop-${i + 1}-`));
  stateDirs.push(stateDir);
  return new KafkaStreams(topology(), {
    applicationId,
    bootstrapServers,
    instanceId: `instance-${i + 1}`,
    stateDir,
    commitIntervalMs: 1000,
    // Where the other instances reach this one's query server (it forwards keys it does not host).
    applicationServer: `127.0.0.1:${basePort + i}`,
  });
});
const servers: QueryServer[] = [];
for (const [i, instance] of instances.entries()) {
  try {
    servers.push(await startQueryServer(instance, { port: basePort + i, routes: shopApi(commands) }));
  } catch (err) {
    usageError(
      `the server of instance-${i + 1} cannot listen on port ${basePort + i}: ${(err as Error).message}; pick others with --port`,
    );
  }
}
let allStarted = false;
for (const [i, instance] of instances.entries()) {
  instance.setStateListener((next, previous) => {
    console.log(`[instance-${i + 1}] ${previous} -> ${next}`);
    if (next === 'ERROR' && allStarted)
      void shutdown(`instance-${i + 1} failed: ${instance.error()?.message}`);
  });
  try {
    await instance.start();
  } catch (err) {
    // E.g. a schema registry that does not answer, or refuses the order events' schema.
    console.error(`instance-${i + 1} could not start: ${(err as Error).message}`);
    await Promise.all(servers.map((server) => server.close()));
    await Promise.all(instances.map((other) => other.close({ timeoutMs: 10_000 })));
    await commands.close();
    for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  }
}
allStarted = true;
const base = servers[0]!.url;
const links = [
  [
    `curl -X POST ${base}/orders -H 'content-type: application/json' -d '{"customerId":"customer-1","lines":[{"productId":"keyboard","quantity":1,"unitPriceCents":4999}]}'`,
    '',
  ],
  [`${base}/orders/<id>?minVersion=2`, 'the order, once confirmed or cancelled'],
  [`${base}/orders/<id>/details`, 'its history and outcome'],
  [`${base}/customers/customer-1/orders`, "a customer's orders"],
  [`${base}/products/limited-edition/stock`, "a product's stock"],
  [`${base}/sagas`, 'the saga monitor'],
  [
    `${base}/analytics/top-products`,
    "each minute's best sellers (also /analytics/alerts, /analytics/order-rate)",
  ],
  [`${base}/notifications/dead-letters`, 'notifications that failed every attempt'],
  [`${base}/stores/order-details/changes`, 'every order as it changes (Server-Sent Events)'],
  [`${base}/docs`, 'the API (OpenAPI UI)'],
];
const width = Math.max(...links.filter(([, what]) => what).map(([url]) => url!.length)) + 2;
console.log(`\nthe live dashboard: ${base}/dashboard`);
console.log('the shop API (any instance answers; docs/shop.md):');
for (const [url, what] of links) console.log(`  ${what ? url!.padEnd(width) + what : url}`);
console.log(`  instances: ${servers.map((s) => s.url).join('  ')}\n`);

let lastError = '';
const generator = startLoadGenerator(commands, {
  ordersPerSecond: rate,
  onError: (err) => {
    if (err.message !== lastError) console.error(`the load generator could not place orders: ${err.message}`);
    lastError = err.message;
  },
});

const started = Date.now();
const report = setInterval(() => {
  const monitor = sagaMonitor();
  const ended = monitor ? monitor.completed + monitor.compensated : 0;
  const sagas = monitor
    ? `sagas ${monitor.running} running, ${monitor.completed} completed, ${monitor.compensated} compensated` +
      (ended > 0 ? `, mean ${Math.round(monitor.endedDurationMs / ended)} ms` : '')
    : services.includes('views')
      ? 'sagas: none yet'
      : 'sagas: see the views role';
  console.log(
    `[${Math.round((Date.now() - started) / 1000)} s] orders placed ${generator.placed()} · ${sagas} · tasks ${instances.map((inst, i) => `instance-${i + 1}: ${inst.activeTaskIds().length}`).join(', ')}`,
  );
}, 3000);

/** The saga monitor from whichever instance hosts its key (null until the first saga, or elsewhere). */
function sagaMonitor(): SagaMonitor | null {
  if (!services.includes('views')) return null;
  for (const instance of instances) {
    if (instance.state() !== 'RUNNING') continue;
    const monitor = instance.store<string, SagaMonitor>(SAGA_MONITOR_STORE).get(SAGA_MONITOR_KEY);
    if (monitor) return monitor;
  }
  return null;
}

let stopping = false;
async function shutdown(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping the load generator and closing ${instances.length} instance(s)...`);
  clearInterval(report);
  await generator.stop();
  await Promise.all(servers.map((s) => s.close()));
  const clean = await Promise.all(instances.map((i) => i.close({ timeoutMs: 10_000 })));
  await commands.close();
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
  const failed = instances.find((i) => i.error());
  if (failed) {
    console.error(`an instance failed: ${failed.error()?.message}`);
    process.exit(1);
  }
  console.log(clean.every(Boolean) ? 'closed cleanly.' : 'closed (some instances timed out).');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('Ctrl-C'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
if (seconds !== undefined) setTimeout(() => void shutdown(`${seconds} s elapsed`), seconds * 1000);
