// A child-process instance for the broker-bounce test: re-key every input to its group and sum the
// values per group (a repartition topic, then an aggregation with a changelog).
// Usage: node --import tsx --conditions rivulet-source bounce-app.ts <bootstrap> <appId> <instanceId> <input> <sums>
// Prints `STATE <state>` on each change, and `ERROR <stack>` if the instance fails.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Consumed, Grouped, KafkaStreams, Materialized, Produced, Serdes, StreamsBuilder } from 'rivulet';
import { runChild } from './run-child.js';

const [bootstrapServers, applicationId, instanceId, input, sums] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const S = Serdes.String();
const L = Serdes.Long();
const builder = new StreamsBuilder();
builder
  .stream<string, number>(input, Consumed.with(S, L))
  .groupBy((_key, value) => `g${value % 17}`, Grouped.with(S, L))
  .aggregate(
    () => 0,
    (_group, value, sum) => sum + value,
    Materialized.as<string, number>('sums').withKeySerde(S).withValueSerde(L),
  )
  .toStream()
  .to(sums, Produced.with(S, L));

const streams = new KafkaStreams(builder.build(), {
  applicationId,
  bootstrapServers,
  instanceId,
  processingGuarantee: 'exactly_once_v2',
  // Every update must reach the output: the verifier checks each group's whole sequence of sums.
  cacheMaxBytes: 0,
  stateDir: join(tmpdir(), 'rivulet-bounce-test', applicationId, instanceId),
  replicationFactor: 3,
});
await runChild(streams);
