import { describe, expect, it } from 'vitest';
import { expectedCounts, repartitionCountScenario } from '../../../test/scenarios/repartition-count.js';
import { memoryCluster } from '../../../test/scenarios/test-cluster.js';

// The same scenario bodies run against a real broker in test/kafka/scenarios.kafka.test.ts.
describe('shared scenarios on memory://', () => {
  it('repartitioning count: the output table equals the model', async () => {
    const cluster = memoryCluster(`scenario-${Date.now()}`);
    const options = {
      records: 20_000,
      modulus: 97,
      applicationId: 'scenario',
      input: 'input',
      output: 'output',
    };
    try {
      expect(await repartitionCountScenario(cluster, options)).toEqual(expectedCounts(options));
    } finally {
      await cluster.close();
    }
  });
});
