import { Serdes, TopologyTestDriver } from 'rivulet';
import type { Product } from '../inventory-events.js';
import type { OrderCommand } from '../order-events.js';
import { type ShopOptions, shopTopology } from '../shop-topology.js';
import { TOPICS } from '../topics.js';

const S = Serdes.String();

/**
 * The whole shop on a TopologyTestDriver (wall clock from 0), stocked with 5 keyboards and 1
 * mouse, and the two commands a customer sends. Close `driver` after the test.
 */
export function shopDriver(options: ShopOptions) {
  const driver = new TopologyTestDriver(shopTopology(TOPICS, options), {}, 0);
  const products = driver.createInputTopic(TOPICS.products.name, S, Serdes.Json<Product>());
  for (const [productId, stock] of [
    ['keyboard', 5],
    ['mouse', 1],
  ] as const)
    products.pipeInput(productId, { schemaVersion: 1, productId, name: productId, priceCents: 1_000, stock });
  const commands = driver.createInputTopic(TOPICS.orderCommands.name, S, Serdes.Json<OrderCommand>());
  return {
    driver,
    /** Places an order of `lines` (product → units, 1,000 cents each); the command id is `place-<orderId>` unless given. */
    place: (
      orderId: string,
      lines: Record<string, number>,
      { customerId = 'c1', commandId = `place-${orderId}` }: { customerId?: string; commandId?: string } = {},
    ) =>
      commands.pipeInput(orderId, {
        schemaVersion: 1,
        type: 'PlaceOrder',
        commandId,
        orderId,
        customerId,
        lines: Object.entries(lines).map(([productId, quantity]) => ({
          productId,
          quantity,
          unitPriceCents: 1_000,
        })),
      }),
    cancel: (orderId: string, expectedVersion: number) =>
      commands.pipeInput(orderId, {
        schemaVersion: 1,
        type: 'CancelOrder',
        commandId: `cancel-${orderId}`,
        orderId,
        expectedVersion,
        reason: 'changed my mind',
      }),
  };
}
