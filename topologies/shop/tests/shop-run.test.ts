import { EmbeddedLog, Serdes } from 'rivulet';
import { describe, it } from 'vitest';
import { shopTopics } from '../topics.js';
import { randomShopRun } from './shop-run.js';

// The whole shop, randomized, on the embedded log under both guarantees (the broker run is shop.kafka.test.ts).

describe('the whole shop on the embedded log', () => {
  for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    it(`${guarantee}: every order confirmed or cancelled as its saga ended; stock and money conserved`, async () => {
      const name = `shop-run-${Date.now()}-${Math.random()}`;
      await randomShopRun(
        {
          bootstrapServers: `memory://${name}`,
          applicationId: 'shop',
          topics: shopTopics(),
          guarantee,
          stepTimeoutMs: 3_000,
          readAll: async (topic) =>
            EmbeddedLog.named(name)
              .read(topic, Serdes.String(), Serdes.Json<unknown>())
              .map((r) => r.value),
        },
        400,
      );
    }, 120_000);
  }
});
