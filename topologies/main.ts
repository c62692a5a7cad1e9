// `npm start`: runs the demo job on the embedded log (no Kafka needed) and prints what it does.
// Options: --seconds N (stop after N seconds; default: run until Ctrl-C), --instances N (default 2),
// --port N (the first instance's query server; the others take the next ports; default 7070).
import { parseArgs } from 'node:util';
import { EmbeddedLog, KafkaStreams } from 'rivulet';
import { type QueryServer, startQueryServer } from 'rivulet/interactive-queries';
import type { ProductSales } from './demo/order-events.js';
import { startOrderGenerator } from './demo/order-generator.js';
import {
  LARGE_ORDERS_TOPIC,
  ORDERS_TOPIC,
  orderStatsTopology,
  PRODUCT_SALES_TOPIC,
  SALES_STORE,
} from './demo/order-stats-topology.js';

// The demo prints the instances' state changes itself; the engine's own log (JSON on stderr) then
// only needs to show warnings and errors. RIVULET_LOG_LEVEL=info shows everything.
process.env.RIVULET_LOG_LEVEL ??= 'warn';

const USAGE = 'usage: npm start -- [--seconds N (> 0)] [--instances 1..8] [--port 1024..65000]';
function usageError(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}
let values: { seconds?: string; instances?: string; port?: string };
try {
  ({ values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      instances: { type: 'string', default: '2' },
      port: { type: 'string', default: '7070' },
    },
  }));
} catch (err) {
  usageError((err as Error).message);
}
const seconds = values.seconds === undefined ? undefined : Number(values.seconds);
const instanceCount = Number(values.instances);
if (seconds !== undefined && !(seconds > 0))
  usageError(`--seconds must be a number > 0, got '${values.seconds}'`);
if (!(Number.isInteger(instanceCount) && instanceCount >= 1 && instanceCount <= 8)) {
  usageError(`--instances must be 1..8, got '${values.instances}'`);
}
const basePort = Number(values.port);
if (!(Number.isInteger(basePort) && basePort >= 1024 && basePort <= 65_000))
  usageError(`--port must be 1024..65000, got '${values.port}'`);

const bootstrapServers = 'memory://shop';
const log = EmbeddedLog.named(bootstrapServers)
  .createTopic(ORDERS_TOPIC, 4)
  .createTopic(PRODUCT_SALES_TOPIC, 4)
  .createTopic(LARGE_ORDERS_TOPIC, 4);

console.log('rivulet demo: order statistics on the embedded log (memory://shop)\n');
console.log(orderStatsTopology().describe().toString());

const instances = Array.from(
  { length: instanceCount },
  (_, i) =>
    new KafkaStreams(orderStatsTopology(), {
      applicationId: 'order-stats',
      bootstrapServers,
      instanceId: `instance-${i + 1}`,
      commitIntervalMs: 1000,
      // Where the other instances reach this one's query server (it forwards keys it does not host).
      applicationServer: `127.0.0.1:${basePort + i}`,
    }),
);
const servers: QueryServer[] = [];
for (const [i, instance] of instances.entries()) {
  try {
    servers.push(await startQueryServer(instance, { port: basePort + i }));
  } catch (err) {
    usageError(
      `the query server of instance-${i + 1} cannot listen on port ${basePort + i}: ${(err as Error).message}; pick others with --port`,
    );
  }
}
for (const [i, instance] of instances.entries()) {
  instance.setStateListener((next, previous) => console.log(`[instance-${i + 1}] ${previous} -> ${next}`));
  await instance.start();
}
const base = servers[0]!.url;
const queryLinks = [
  [`${base}/stores`, 'the stores'],
  [`${base}/stores/${SALES_STORE}/keys/keyboard`, "one product's sales"],
  [`${base}/stores/${SALES_STORE}/entries`, 'every product'],
  [`${base}/stores/${SALES_STORE}/keys/keyboard/changes`, 'live changes (Server-Sent Events)'],
  [`${base}/docs`, 'the API (OpenAPI UI)'],
];
const width = Math.max(...queryLinks.map(([url]) => url!.length)) + 2;
console.log('\ninteractive queries (any instance answers any key; see docs/interactive-queries.md):');
for (const [url, what] of queryLinks) console.log(`  ${url!.padEnd(width)}${what}`);
console.log(`  instances: ${servers.map((s) => s.url).join('  ')}\n`);
const generator = startOrderGenerator(log, 200, 100);

const report = setInterval(() => {
  const totals = new Map<string, ProductSales>();
  for (const instance of instances) {
    if (instance.state() !== 'RUNNING') continue;
    for (const { key, value } of instance.store<string, ProductSales>(SALES_STORE).all())
      totals.set(key, value);
  }
  const rows = [...totals.entries()].sort(([a], [b]) => a.localeCompare(b));
  console.log(
    `\norders produced: ${generator.produced()}, large orders: ${log.endOffsets(LARGE_ORDERS_TOPIC).reduce((a, b) => a + b, 0)}`,
  );
  for (const [product, s] of rows) {
    console.log(
      `  ${product.padEnd(10)} orders ${String(s.orders).padStart(6)}  units ${String(s.units).padStart(6)}  revenue ${(s.revenueCents / 100).toFixed(2).padStart(12)}`,
    );
  }
  console.log(
    `  tasks: ${instances.map((inst, i) => `instance-${i + 1} [${inst.activeTaskIds().join(' ')}]`).join('  ')}`,
  );
}, 2000);

let stopping = false;
async function shutdown(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping the generator and closing ${instances.length} instance(s)...`);
  generator.stop();
  clearInterval(report);
  await Promise.all(servers.map((s) => s.close()));
  const clean = await Promise.all(instances.map((i) => i.close({ timeoutMs: 10_000 })));
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
for (const instance of instances) {
  instance.setStateListener((next) => {
    if (next === 'ERROR') void shutdown(`instance failed: ${instance.error()?.message}`);
  });
}
