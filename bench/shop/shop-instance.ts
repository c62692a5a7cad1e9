// One instance of the whole shop against a broker, for `npm run bench:shop`: started by the runner
// as its own process, with payments that always succeed, notifications that never fail and saga
// steps that do not time out while a burst of orders queues up, so every order runs the saga's
// happy path. Prints READY_LINE once RUNNING; SIGTERM closes it.
import { parseArgs } from 'node:util';
import { KafkaStreams } from 'rivulet';
import { shopTopology } from '../../topologies/shop/shop-topology.js';
import { shopTopics } from '../../topologies/shop/topics.js';
import { READY_LINE } from '../broker/apps/app-args.js';

const { values } = parseArgs({
  options: {
    bootstrap: { type: 'string' },
    prefix: { type: 'string' },
    guarantee: { type: 'string' },
    'state-dir': { type: 'string' },
    'commit-interval-ms': { type: 'string' },
  },
});
const { bootstrap, prefix, guarantee, 'state-dir': stateDir } = values;
if (!bootstrap || prefix === undefined || !stateDir)
  throw new Error('--bootstrap, --prefix and --state-dir are required');
if (guarantee !== 'at_least_once' && guarantee !== 'exactly_once_v2')
  throw new Error(`--guarantee must be at_least_once or exactly_once_v2, got '${guarantee}'`);

const streams = new KafkaStreams(
  shopTopology(shopTopics(prefix), {
    payments: { declineRate: 0, outageRate: 0 },
    notifications: { failureRate: 0 },
    saga: { stepTimeoutMs: 600_000 },
  }),
  {
    applicationId: `${prefix}shop`,
    bootstrapServers: bootstrap,
    processingGuarantee: guarantee,
    // Kafka Streams' defaults unless given: 30 s under at_least_once, 100 ms under exactly_once_v2.
    ...(values['commit-interval-ms'] ? { commitIntervalMs: Number(values['commit-interval-ms']) } : {}),
    stateDir,
  },
);
streams.setStateListener((state) => {
  if (state === 'RUNNING') console.log(READY_LINE);
  if (state === 'ERROR') {
    console.error('the shop instance went to ERROR');
    process.exit(1);
  }
});
const stop = () => {
  streams.close({ timeoutMs: 15_000 }).then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
await streams.start();
