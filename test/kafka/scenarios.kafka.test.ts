import { expect, it } from 'vitest';
import { expectedCounts, repartitionCountScenario } from '../scenarios/repartition-count.js';
import { scaleOutScenario } from '../scenarios/scale-out.js';
import { kafkaCluster } from '../scenarios/test-cluster.js';
import { describeKafka, kafkaBootstrap, uniqueName } from './broker-context.js';

// The same scenario bodies run on memory:// in engine/runtime/tests/shared-scenarios.test.ts.
describeKafka('shared scenarios on a real broker', () => {
  for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    it(`${guarantee}: repartitioning count, 4-partition topics, 100k records, one instance: the output equals the model`, async () => {
      const cluster = kafkaCluster(kafkaBootstrap);
      const name = uniqueName('count');
      const options = {
        records: 100_000,
        modulus: 997,
        applicationId: name,
        input: `${name}-input`,
        output: `${name}-output`,
        guarantee,
      };
      try {
        const started = Date.now();
        expect(await repartitionCountScenario(cluster, options)).toEqual(expectedCounts(options));
        console.log(
          `${guarantee} repartition count: ${options.records} records in ${Date.now() - started} ms (incl. produce, startup)`,
        );
      } finally {
        await cluster.close();
      }
    });
  }

  it('scale-out: 3 instances started at different times, one stopped cleanly and restarted; exact ownership after each rebalance', async () => {
    const cluster = kafkaCluster(kafkaBootstrap);
    const name = uniqueName('scale');
    const options = {
      records: 60_000,
      modulus: 499,
      applicationId: name,
      input: `${name}-input`,
      output: `${name}-output`,
    };
    try {
      const started = Date.now();
      expect(await scaleOutScenario(cluster, options, 60_000)).toEqual(expectedCounts(options));
      console.log(`scale-out: ${Date.now() - started} ms`);
    } finally {
      await cluster.close();
    }
  });
});
