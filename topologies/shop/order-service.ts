import {
  Consumed,
  type KeyValueStore,
  type ProcessorContext,
  type ProcessorSupplier,
  Produced,
  Serdes,
  Stores,
  StreamsBuilder,
  type Topology,
} from 'rivulet';
import { decide, evolve } from './order-aggregate.js';
import type { OrderCommand, OrderEvent, OrderState } from './order-events.js';
import { type ShopTopics, TOPICS } from './topics.js';

/** The orders as their events leave them, by order id: the aggregate's snapshot, queryable. */
export const ORDERS_STORE = 'orders';

const S = Serdes.String();
export const orderCommandSerde = Serdes.Json<OrderCommand>();
export const orderEventSerde = Serdes.Json<OrderEvent>();
const orderStateSerde = Serdes.Json<OrderState>();

/**
 * The order service: each command, keyed by order id, is decided against the order's state from
 * the store; its events go to the event store (`order-events`) and update the state. The store is
 * changelog-backed, so under exactly_once_v2 the events and the state move together.
 */
export function addOrderService(builder: StreamsBuilder, topics: ShopTopics = TOPICS): void {
  builder.addStateStore(
    Stores.keyValueStoreBuilder(ORDERS_STORE, S, orderStateSerde)
      .withStoreType('persistent')
      .withCachingEnabled(),
  );
  builder
    .stream<string, OrderCommand>(topics.orderCommands.name, Consumed.with(S, orderCommandSerde))
    .process(orderAggregate, ORDERS_STORE)
    .to(topics.orderEvents.name, Produced.with(S, orderEventSerde));
}

export function orderServiceTopology(topics: ShopTopics = TOPICS): Topology {
  const builder = new StreamsBuilder();
  addOrderService(builder, topics);
  return builder.build();
}

const orderAggregate: ProcessorSupplier<string, OrderCommand, string, OrderEvent> = {
  get() {
    let context: ProcessorContext<string, OrderEvent>;
    let orders: KeyValueStore<string, OrderState>;
    return {
      init(ctx) {
        context = ctx;
        orders = ctx.getStateStore(ORDERS_STORE);
      },
      process(record) {
        const command = record.value;
        let state = orders.get(record.key);
        // A command under another order's key would split the order across partitions: refused.
        const events =
          command && command.orderId === record.key
            ? decide(state, command)
            : [misrouted(record.key, command, state?.version ?? 0)];
        for (const event of events) {
          state = evolve(state, event);
          context.forward(record.withValue(event));
        }
        if (state) orders.put(record.key, state);
      },
    };
  },
};

/** The rejection of a command whose key is not its order id (or that has no body). */
function misrouted(key: string, command: OrderCommand | null, version: number): OrderEvent {
  return {
    schemaVersion: 1,
    type: 'CommandRejected',
    orderId: key,
    version,
    commandId: command?.commandId ?? '',
    commandType: command?.type ?? 'PlaceOrder',
    reason: 'invalid',
    message: command
      ? `the command for order ${command.orderId} was keyed by ${key}: key commands by their orderId`
      : 'the command has no value',
  };
}
