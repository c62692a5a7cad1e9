import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Consumed,
  type EventSourcedAggregate,
  eventSourced,
  Produced,
  replayEvents,
  Serdes,
  StreamsBuilder,
  TopologyTestDriver,
} from '../index.js';

// An event-sourced counter: commands add to it (refused past a limit) or reset it; its events
// carry versions. The store is what the events replay to.

type Command = { add: number } | { reset: true };
type Event =
  | { type: 'added'; amount: number; version: number }
  | { type: 'refused'; version: number }
  | { type: 'reset'; version: number };
interface Counter {
  total: number;
  version: number;
}
const LIMIT = 100;
const S = Serdes.String();

const counter: EventSourcedAggregate<string, Command, Event, Counter> = {
  storeName: 'counters',
  keySerde: S,
  stateSerde: Serdes.Json<Counter>(),
  decide(state, command) {
    const version = (state?.version ?? 0) + 1;
    if ('reset' in command) return state ? [{ type: 'reset', version }] : [];
    if ((state?.total ?? 0) + command.add > LIMIT) return [{ type: 'refused', version: state?.version ?? 0 }];
    return [{ type: 'added', amount: command.add, version }];
  },
  evolve(state, event) {
    switch (event.type) {
      case 'added':
        return { total: (state?.total ?? 0) + event.amount, version: event.version };
      case 'reset':
        return { total: 0, version: event.version };
      case 'refused':
        return state;
    }
  },
};

function run(commands: readonly { key: string; value: Command }[]) {
  const builder = new StreamsBuilder();
  eventSourced(
    builder.stream<string, Command>('commands', Consumed.with(S, Serdes.Json<Command>())),
    counter,
  ).to('events', Produced.with(S, Serdes.Json<Event>()));
  const driver = new TopologyTestDriver(builder.build());
  try {
    const input = driver.createInputTopic('commands', S, Serdes.Json<Command>());
    for (const c of commands) input.pipeInput(c.key, c.value);
    const events = driver.createOutputTopic('events', S, Serdes.Json<Event>()).readKeyValuesToList();
    const store = driver.getKeyValueStore<string, Counter>('counters');
    const states = new Map(['a', 'b', 'c'].map((key) => [key, store.get(key)]));
    return { events, state: (key: string) => states.get(key) ?? null };
  } finally {
    driver.close();
  }
}

describe('eventSourced', () => {
  it('decides each command against the stored state and forwards its events with the command key', () => {
    const { events, state } = run([
      { key: 'a', value: { add: 60 } },
      { key: 'a', value: { add: 50 } },
      { key: 'b', value: { reset: true } },
      { key: 'a', value: { add: 40 } },
    ]);
    expect(events).toEqual([
      { key: 'a', value: { type: 'added', amount: 60, version: 1 } },
      { key: 'a', value: { type: 'refused', version: 1 } },
      { key: 'a', value: { type: 'added', amount: 40, version: 2 } },
    ]);
    expect(state('a')).toEqual({ total: 100, version: 2 });
    expect(state('b')).toBeNull();
  });

  it('the store equals what the events replay to', () => {
    const command = fc.oneof(
      fc.integer({ min: 1, max: 60 }).map((add): Command => ({ add })),
      fc.constant<Command>({ reset: true }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), value: command }), { maxLength: 40 }),
        (commands) => {
          const { events, state } = run(commands);
          const replayed = replayEvents(
            events.map((e) => ({ key: e.key!, value: e.value! })),
            counter.evolve,
          );
          for (const key of ['a', 'b', 'c']) expect(state(key)).toEqual(replayed.get(key) ?? null);
        },
      ),
      { numRuns: 60 },
    );
  });
});
