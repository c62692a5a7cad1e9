import {
  Consumed,
  type EventSourcedAggregate,
  eventSourced,
  Produced,
  type Serde,
  Serdes,
  StreamsBuilder,
  type Topology,
} from 'rivulet';
import { decide, evolve } from './order-aggregate.js';
import { orderEventSerde } from './order-event-serde.js';
import type { OrderCommand, OrderEvent, OrderState } from './order-events.js';
import { type ShopTopics, TOPICS } from './topics.js';

/** The orders as their events leave them, by order id: the aggregate's snapshot, queryable. */
export const ORDERS_STORE = 'orders';

const S = Serdes.String();
export const orderCommandSerde = Serdes.Json<OrderCommand>();
const orderStateSerde = Serdes.Json<OrderState>();

/** The order aggregate as the library's event-sourced pattern runs it. */
export const orderAggregate: EventSourcedAggregate<string, OrderCommand, OrderEvent, OrderState> = {
  storeName: ORDERS_STORE,
  keySerde: S,
  stateSerde: orderStateSerde,
  // A command under another order's key would split the order across partitions: refused.
  decide: (state, command, key) =>
    command.orderId === key ? decide(state, command) : [misrouted(key, command, state?.version ?? 0)],
  evolve,
};

/**
 * The order service: each command, keyed by order id, is decided against the order's state in the
 * `orders` store; its events go to the event store (`order-events`), written with `events`. Under
 * exactly_once_v2 the events and the state are committed together.
 */
export function addOrderService(
  builder: StreamsBuilder,
  topics: ShopTopics = TOPICS,
  events: Serde<OrderEvent> = orderEventSerde(),
): void {
  eventSourced(
    builder.stream<string, OrderCommand>(topics.orderCommands.name, Consumed.with(S, orderCommandSerde)),
    orderAggregate,
  ).to(topics.orderEvents.name, Produced.with(S, events));
}

export function orderServiceTopology(topics: ShopTopics = TOPICS): Topology {
  const builder = new StreamsBuilder();
  addOrderService(builder, topics);
  return builder.build();
}

/** The rejection of a command whose key is not its order id. */
function misrouted(key: string, command: OrderCommand, version: number): OrderEvent {
  return {
    schemaVersion: 1,
    type: 'CommandRejected',
    orderId: key,
    version,
    commandId: command.commandId,
    commandType: command.type,
    reason: 'invalid',
    message: `the command for order ${command.orderId} was keyed by ${key}: key commands by their orderId`,
  };
}
