import { describe, expect, it } from 'vitest';
import { globalTableJoinScenario } from '../../../test/scenarios/global-table-join.js';
import { joinIdlingScenario } from '../../../test/scenarios/join-idling.js';
import { expectedCounts, repartitionCountScenario } from '../../../test/scenarios/repartition-count.js';
import { scaleOutScenario } from '../../../test/scenarios/scale-out.js';
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

describe('scale-out on memory://', () => {
  it('3 instances started at different times, one stopped and restarted: exact ownership, and the table equals the model', async () => {
    const cluster = memoryCluster(`scale-out-${Date.now()}`);
    const options = {
      records: 30_000,
      modulus: 101,
      applicationId: 'scale',
      input: 'input',
      output: 'output',
    };
    try {
      expect(await scaleOutScenario(cluster, options, 10_000)).toEqual(expectedCounts(options));
    } finally {
      await cluster.close();
    }
  });
});

describe('GlobalKTable join on memory://', () => {
  for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    it(`${guarantee}: restored before the first stream record is joined, whole on every instance, across restarts`, async () => {
      const cluster = memoryCluster(`global-${guarantee}-${Date.now()}`);
      try {
        const problems = await globalTableJoinScenario(cluster, {
          applicationId: `global-${guarantee}`,
          guarantee,
          products: 300,
          orders: 400,
        });
        expect(problems).toEqual([]);
      } finally {
        await cluster.close();
      }
    });
  }
});

describe('join idling that knows fetch lag (KIP-695) on memory://', () => {
  it('maxTaskIdleMs 0: every stream record joins the table rows that precede it, though the table takes many polls', async () => {
    const cluster = memoryCluster(`join-idling-${Date.now()}`);
    try {
      const unjoined = await joinIdlingScenario(cluster, {
        applicationId: 'join-idling',
        tableRows: 20_000,
        streamRecords: 2_000,
        guarantee: 'at_least_once',
      });
      expect(unjoined.slice(0, 5)).toEqual([]);
    } finally {
      await cluster.close();
    }
  });
});
