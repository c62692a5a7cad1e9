import { it } from 'vitest';
import { describeKafka, kafkaBootstrap, uniqueName } from '../../../test/kafka/broker-context.js';
import { kafkaCluster } from '../../../test/scenarios/test-cluster.js';
import { shopTopics } from '../topics.js';
import { reservationsThroughARebalance } from './reservation-scenario.js';
import { randomShopRun } from './shop-run.js';

// The shop on a real broker under exactly_once_v2, through a rebalance: the order and inventory
// services on their own, then every service with random failures.

describeKafka('the shop on a real broker', () => {
  it('orders and reservations through a rebalance: each answered once, stock conserved, orders equal to their events', async () => {
    const name = uniqueName('shop');
    const broker = kafkaCluster(kafkaBootstrap);
    try {
      await reservationsThroughARebalance(
        {
          bootstrapServers: kafkaBootstrap,
          applicationId: name,
          topics: shopTopics(`${name}-`),
          readAll: async (topic) => (await broker.readAll(topic)).map((r) => JSON.parse(r.value!.toString())),
        },
        300,
      );
    } finally {
      await broker.close();
    }
  });

  it('every service, randomized: every order confirmed or cancelled as its saga ended; stock and money conserved', async () => {
    const name = uniqueName('shop-run');
    const broker = kafkaCluster(kafkaBootstrap);
    try {
      await randomShopRun(
        {
          bootstrapServers: kafkaBootstrap,
          applicationId: name,
          topics: shopTopics(`${name}-`),
          guarantee: 'exactly_once_v2',
          stepTimeoutMs: 20_000,
          readAll: async (topic) => (await broker.readAll(topic)).map((r) => JSON.parse(r.value!.toString())),
        },
        300,
      );
    } finally {
      await broker.close();
    }
  });
});
