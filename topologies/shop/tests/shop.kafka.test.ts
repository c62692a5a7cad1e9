import { it } from 'vitest';
import { describeKafka, kafkaBootstrap, uniqueName } from '../../../test/kafka/broker-context.js';
import { kafkaCluster } from '../../../test/scenarios/test-cluster.js';
import { shopTopics } from '../topics.js';
import { reservationsThroughARebalance } from './reservation-scenario.js';

// The order and inventory services together on a real broker under exactly_once_v2, through a rebalance.

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
});
