// `npm start`: runs the demo job on the embedded log (no Kafka needed) and prints what it does.
// Options: --seconds N (stop after N seconds; default: run until Ctrl-C), --instances N (default 2).
import { parseArgs } from 'node:util';
import { EmbeddedLog, KafkaStreams } from 'rivulet';
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

const USAGE = 'usage: npm start -- [--seconds N (> 0)] [--instances 1..8]';
function usageError(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}
let values: { seconds?: string; instances?: string };
try {
  ({ values } = parseArgs({
    options: { seconds: { type: 'string' }, instances: { type: 'string', default: '2' } },
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
    }),
);
for (const [i, instance] of instances.entries()) {
  instance.setStateListener((next, previous) => console.log(`[instance-${i + 1}] ${previous} -> ${next}`));
  await instance.start();
}
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
