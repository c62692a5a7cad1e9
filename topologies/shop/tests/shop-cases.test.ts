import { EmbeddedLog, Serdes } from 'rivulet';
import { afterEach, describe, it } from 'vitest';
import { CASE_PRODUCTS, caseOptions, shopCases } from './shop-cases.js';
import { startShopInstances } from './shop-instances.js';

// The shop's cases end to end through the HTTP API, on the embedded log under both guarantees
// (the broker run is shop-cases.kafka.test.ts).

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('the shop cases on the embedded log', () => {
  for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
    it(`${guarantee}: happy path, insufficient stock, outage, declined, timeout, duplicate, stale version, cancel after confirm`, async () => {
      const name = `shop-cases-${Date.now()}-${Math.random()}`;
      const shops = await startShopInstances({
        products: CASE_PRODUCTS,
        shop: caseOptions(3_000),
        bootstrapServers: `memory://${name}`,
        guarantee,
      });
      cleanup.push(() => shops.close());
      await shopCases(shops, async (topic) =>
        EmbeddedLog.named(name)
          .read(topic, Serdes.String(), Serdes.Json<unknown>())
          .map((r) => ({ key: r.key!, value: r.value })),
      );
    }, 90_000);
  }
});
