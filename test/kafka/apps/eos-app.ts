// A child-process instance for the crash tests: echo every input record, and count per key.
// Usage: node --import tsx --conditions rivulet-source eos-app.ts <bootstrap> <appId> <instanceId> <guarantee> <input> <echo> <counts> [standbys]
// Prints `STATE <state>` on each change and `RESTORED <n>` (changelog records replayed so far) when RUNNING.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Consumed,
  KafkaStreams,
  Materialized,
  type ProcessingGuarantee,
  Produced,
  Serdes,
  StreamsBuilder,
} from 'rivulet';

const [bootstrapServers, applicationId, instanceId, guarantee, input, echo, counts, standbys = '0'] =
  process.argv.slice(2) as [string, string, string, ProcessingGuarantee, string, string, string, string?];
const S = Serdes.String();
const L = Serdes.Long();
const builder = new StreamsBuilder();
const stream = builder.stream<string, number>(input, Consumed.with(S, L));
stream.to(echo, Produced.with(S, L));
stream.groupByKey().count(Materialized.as('counts')).toStream().to(counts, Produced.with(S, L));

const streams = new KafkaStreams(builder.build(), {
  applicationId,
  bootstrapServers,
  instanceId,
  processingGuarantee: guarantee,
  commitIntervalMs: guarantee === 'exactly_once_v2' ? 100 : 500,
  // Every count update must reach the output: the verifier checks the whole sequence.
  cacheMaxBytes: 0,
  // Instances on one machine need state directories of their own.
  stateDir: join(tmpdir(), 'rivulet-crash-test', applicationId, instanceId),
  numStandbyReplicas: Number(standbys),
});
streams.setStateListener((next) => {
  console.log(`STATE ${next}`);
  if (next === 'RUNNING') {
    void streams
      .metrics()
      .getSingleMetricAsString('rivulet_restored_records_total')
      .then((text) => console.log(`RESTORED ${/ (\d+)$/m.exec(text)?.[1] ?? 0}`));
  }
  if (next === 'ERROR') console.log(`ERROR ${streams.error()?.stack}`);
});
process.on('SIGTERM', () => void streams.close().then(() => process.exit(0)));
await streams.start();
