import { afterEach, it } from 'vitest';
import { describeKafka, kafkaBootstrap, uniqueName } from '../../../test/kafka/broker-context.js';
import { kafkaCluster } from '../../../test/scenarios/test-cluster.js';
import { shopTopics } from '../topics.js';
import { CASE_PRODUCTS, caseOptions, shopCases } from './shop-cases.js';
import { startShopInstances } from './shop-instances.js';

// The shop's cases end to end through the HTTP API of two instances on a real broker under
// exactly_once_v2 (the embedded-log run is shop-cases.test.ts).

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describeKafka('the shop cases on a real broker', () => {
  it('exactly_once_v2: happy path, insufficient stock, outage, declined, timeout, duplicate, stale version, cancel after confirm', async () => {
    const name = uniqueName('shop-cases');
    const broker = kafkaCluster(kafkaBootstrap);
    cleanup.push(() => broker.close());
    const shops = await startShopInstances({
      products: CASE_PRODUCTS,
      shop: caseOptions(10_000),
      bootstrapServers: kafkaBootstrap,
      topics: shopTopics(`${name}-`),
      applicationId: name,
      guarantee: 'exactly_once_v2',
    });
    cleanup.push(() => shops.close());
    await shopCases(shops, async (topic) =>
      (await broker.readAll(topic)).map((r) => ({
        key: r.key!.toString(),
        value: JSON.parse(r.value!.toString()),
      })),
    );
  });
});
