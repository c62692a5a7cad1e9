import type { KeyValueStore } from '../../state-stores/key-value-store.js';
import { Stores } from '../../state-stores/stores.js';
import type { KStream } from '../dsl/kstream.js';
import type { FixedKeyProcessorContext, FixedKeyProcessorSupplier } from '../processor/processor.js';
import type { Serde } from '../serdes/serde.js';

/**
 * An event-sourced aggregate (ARCHITECTURE §11): what a command does is decided against the
 * aggregate's state, the decision is a list of events, and the state is whatever the events fold
 * to. Versions, idempotency keys and rejections are the aggregate's to model in `decide` and
 * `evolve`; the engine keeps the state in a changelog-backed store (a snapshot of the events, so
 * nothing replays them at start), and under exactly_once_v2 the events and the state are committed
 * together.
 */
export interface EventSourcedAggregate<K, C, E, S> {
  /** The store of each aggregate's state after its latest event (queryable). */
  readonly storeName: string;
  readonly keySerde: Serde<K>;
  readonly stateSerde: Serde<S>;
  /** The events a command makes, given the state (null: the aggregate has no events yet). Pure. */
  decide(state: S | null, command: C, key: K): readonly E[];
  /** The state after an event. Pure: replaying the events gives the same state. */
  evolve(state: S | null, event: E): S | null;
}

/**
 * Runs an aggregate over a stream of commands keyed by aggregate id: each command is decided
 * against the stored state, the state moves through its events, and the events are the stream
 * returned (same keys; write it to the aggregate's event topic). Null commands are skipped.
 */
export function eventSourced<K, C, E, S>(
  commands: KStream<K, C>,
  aggregate: EventSourcedAggregate<K, C, E, S>,
): KStream<K, E> {
  const supplier: FixedKeyProcessorSupplier<K, C, E> = {
    stores: () => [
      Stores.keyValueStoreBuilder(aggregate.storeName, aggregate.keySerde, aggregate.stateSerde)
        .withStoreType('persistent')
        .withCachingEnabled(),
    ],
    get() {
      let context: FixedKeyProcessorContext<K, E>;
      let states: KeyValueStore<K, S>;
      return {
        init(ctx) {
          context = ctx;
          states = ctx.getStateStore(aggregate.storeName);
        },
        process(record) {
          if (record.value === null) return;
          const before = states.get(record.key);
          let state = before;
          for (const event of aggregate.decide(state, record.value, record.key)) {
            state = aggregate.evolve(state, event);
            context.forward(record.withValue(event));
          }
          if (state !== before && state !== null) states.put(record.key, state);
        },
      };
    },
  };
  return commands.processValues(supplier);
}

/** The states a sequence of events folds to, by aggregate key: the rebuild from the event topic. */
export function replayEvents<K, E, S>(
  events: Iterable<{ readonly key: K; readonly value: E }>,
  evolve: (state: S | null, event: E) => S | null,
): Map<K, S> {
  const states = new Map<K, S>();
  for (const { key, value } of events) {
    const next = evolve(states.get(key) ?? null, value);
    if (next === null) states.delete(key);
    else states.set(key, next);
  }
  return states;
}
