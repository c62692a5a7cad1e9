import { EmbeddedLog, Serdes } from 'rivulet';
import { describe, it } from 'vitest';
import { shopTopics } from '../topics.js';
import { reservationsThroughARebalance } from './reservation-scenario.js';

// The order and inventory services together on the embedded log (the broker run is shop.kafka.test.ts).

describe('the shop on the embedded log', () => {
  it('orders and reservations through a rebalance: each answered once, stock conserved, orders equal to their events', async () => {
    const name = `shop-${Date.now()}-${Math.random()}`;
    const bytes = Serdes.String();
    await reservationsThroughARebalance(
      {
        bootstrapServers: `memory://${name}`,
        applicationId: 'shop',
        topics: shopTopics(),
        readAll: async (topic) =>
          EmbeddedLog.named(name)
            .read(topic, bytes, Serdes.Json<unknown>())
            .map((r) => r.value),
      },
      300,
    );
  }, 90_000);
});
