// The benchmark workload as a rivulet application module (KafkaStreams.fromModule): rivulet-app.ts
// runs it, and each stream thread's worker builds it again when the run has more than one.
import type { StreamsAppFactory } from 'rivulet';
import { rivuletTopology } from '../../workloads/topologies.js';
import type { AppArgs } from './app-args.js';

const benchApp: StreamsAppFactory<AppArgs> = (args) => ({
  topology: rivuletTopology(args.workload, { input: args.input, output: args.output, table: args.table }),
  config: {
    applicationId: args.applicationId,
    bootstrapServers: args.bootstrap,
    processingGuarantee: args.guarantee,
    commitIntervalMs: args.commitIntervalMs,
    cacheMaxBytes: 10 * 1024 * 1024,
    stateDir: args.stateDir,
    kafkaDataPlane: args.dataPlane,
    numStreamThreads: args.threads,
  },
});
export default benchApp;
