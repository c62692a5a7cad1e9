import { expect, it } from 'vitest';
import { globalTableJoinScenario } from '../scenarios/global-table-join.js';
import { joinIdlingScenario } from '../scenarios/join-idling.js';
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

describeKafka('GlobalKTable join on a real broker', () => {
  it('exactly_once_v2: restored before the first stream record is joined, whole on 3+1 instances, across restarts', async () => {
    const cluster = kafkaCluster(kafkaBootstrap);
    const name = uniqueName('global');
    try {
      const started = Date.now();
      const problems = await globalTableJoinScenario(cluster, {
        applicationId: name,
        guarantee: 'exactly_once_v2',
        products: 300,
        orders: 400,
      });
      expect(problems).toEqual([]);
      console.log(`GlobalKTable join scenario: ${Date.now() - started} ms`);
    } finally {
      await cluster.close();
    }
  });
});

describeKafka('join idling that knows fetch lag (KIP-695) on a real broker', () => {
  for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    it(`${guarantee}, maxTaskIdleMs 0: every stream record joins the table rows that precede it`, async () => {
      const cluster = kafkaCluster(kafkaBootstrap);
      try {
        const unjoined = await joinIdlingScenario(cluster, {
          applicationId: uniqueName('join-idling'),
          tableRows: 20_000,
          streamRecords: 2_000,
          guarantee,
          rowPaddingBytes: 1_000,
        });
        expect(unjoined.slice(0, 5)).toEqual([]);
      } finally {
        await cluster.close();
      }
    });
  }
});
