// A child-process instance of the whole shop for the kill -9 test (topologies/shop/tests/shop-kill.kafka.test.ts):
// payments by order number (run-outcomes.ts), notifications failing 30 % of attempts with short retries.
// Usage: node --import tsx --conditions rivulet-source shop-app.ts <bootstrap> <appId> <instanceId> <guarantee> <topic prefix>
// Prints `STATE <state>` on each change.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaStreams, type ProcessingGuarantee } from 'rivulet';
import { shopTopology } from '../../../topologies/shop/shop-topology.js';
import { paymentOutcome } from '../../../topologies/shop/tests/run-outcomes.js';
import { shopTopics } from '../../../topologies/shop/topics.js';

const [bootstrapServers, applicationId, instanceId, guarantee, prefix] = process.argv.slice(2) as [
  string,
  string,
  string,
  ProcessingGuarantee,
  string,
];
const streams = new KafkaStreams(
  shopTopology(shopTopics(prefix), {
    payments: { outcome: paymentOutcome },
    saga: { stepTimeoutMs: 15_000, timeoutCheckIntervalMs: 500 },
    notifications: { failureRate: 0.3, retryDelaysMs: [300, 300], retryCheckIntervalMs: 100 },
  }),
  {
    applicationId,
    bootstrapServers,
    instanceId,
    processingGuarantee: guarantee,
    commitIntervalMs: 100,
    // Instances on one machine need state directories of their own.
    stateDir: join(tmpdir(), 'rivulet-shop-kill-test', applicationId, instanceId),
  },
);
streams.setStateListener((next) => {
  console.log(`STATE ${next}`);
  if (next === 'ERROR') console.log(`ERROR ${streams.error()?.stack}`);
});
process.on('SIGTERM', () => void streams.close().then(() => process.exit(0)));
await streams.start();
