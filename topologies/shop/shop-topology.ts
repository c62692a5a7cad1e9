import { createTopics, StreamsBuilder, type Topology } from 'rivulet';
import { addInventoryService } from './inventory-service.js';
import { addOrderService } from './order-service.js';
import { type ShopTopics, TOPICS } from './topics.js';

/** The shop's services in one topology (each service is also addable on its own, one per process). */
export function shopTopology(topics: ShopTopics = TOPICS): Topology {
  const builder = new StreamsBuilder();
  addOrderService(builder, topics);
  addInventoryService(builder, topics);
  return builder.build();
}

/** Creates the shop's topics (those that exist are left as they are), on Kafka or on the embedded log. */
export function createShopTopics(
  bootstrapServers: string,
  topics: ShopTopics = TOPICS,
  replicationFactor?: number,
): Promise<void> {
  return createTopics(
    bootstrapServers,
    Object.values(topics).map((t) => ({ ...t, ...(replicationFactor ? { replicationFactor } : {}) })),
  );
}
