import { createTopics, StreamsBuilder, type Topology } from 'rivulet';
import { addInventoryService } from './inventory-service.js';
import { addOrderService } from './order-service.js';
import { TOPICS } from './topics.js';

/** The shop's services in one topology (each service is also addable on its own, one per process). */
export function shopTopology(): Topology {
  const builder = new StreamsBuilder();
  addOrderService(builder);
  addInventoryService(builder);
  return builder.build();
}

/** Creates the shop's topics (those that exist are left as they are), on Kafka or on the embedded log. */
export function createShopTopics(bootstrapServers: string, replicationFactor?: number): Promise<void> {
  return createTopics(
    bootstrapServers,
    Object.values(TOPICS).map((t) => ({ ...t, ...(replicationFactor ? { replicationFactor } : {}) })),
  );
}
