import { expect, it } from 'vitest';
import { expectedCounts, repartitionCountScenario } from '../scenarios/repartition-count.js';
import { kafkaCluster } from '../scenarios/test-cluster.js';
import { describeKafka, kafkaBootstrap, uniqueName } from './broker-context.js';

// The same scenario bodies run on memory:// in engine/runtime/tests/shared-scenarios.test.ts.
describeKafka('shared scenarios on a real broker', () => {
  it('repartitioning count over 4-partition topics, 100k records, one instance: the output table equals the model', async () => {
    const cluster = kafkaCluster(kafkaBootstrap);
    const name = uniqueName('count');
    const options = {
      records: 100_000,
      modulus: 997,
      applicationId: name,
      input: `${name}-input`,
      output: `${name}-output`,
    };
    try {
      const started = Date.now();
      expect(await repartitionCountScenario(cluster, options)).toEqual(expectedCounts(options));
      console.log(
        `repartition count: ${options.records} records in ${Date.now() - started} ms (incl. produce and startup)`,
      );
    } finally {
      await cluster.close();
    }
  });
});
