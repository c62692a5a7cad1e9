import { Ajv } from 'ajv';
import fc from 'fast-check';
import { Serdes, TopologyTestDriver } from 'rivulet';
import { afterEach, describe, expect, it } from 'vitest';
import { replay } from './order-aggregate.js';
import { ORDER_EVENT_SCHEMA, orderEventSerde } from './order-event-serde.js';
import type { OrderCommand, OrderEvent, OrderLine, OrderState, PlaceOrder } from './order-events.js';
import { ORDERS_STORE, orderCommandSerde, orderServiceTopology } from './order-service.js';
import { TOPICS } from './topics.js';

// The order aggregate on the TopologyTestDriver: commands in, versioned events out, a repeated
// idempotency key doing nothing, stale versions refused; and the store equal to what the event
// store replays to, for random command sequences.

const S = Serdes.String();
// The contract the order events are validated against in a schema registry (order-event-serde.ts).
const fitsSchema = new Ajv({ discriminator: true }).compile(ORDER_EVENT_SCHEMA);
let driver: TopologyTestDriver | undefined;
afterEach(() => {
  driver?.close();
  driver = undefined;
});

function orderService() {
  driver = new TopologyTestDriver(orderServiceTopology());
  const commands = driver.createInputTopic(TOPICS.orderCommands.name, S, orderCommandSerde);
  const events = driver.createOutputTopic(TOPICS.orderEvents.name, S, orderEventSerde());
  const store = driver.getKeyValueStore<string, OrderState>(ORDERS_STORE);
  const send = (command: OrderCommand, key = command.orderId) => commands.pipeInput(key, command);
  const read = () => events.readValuesToList() as OrderEvent[];
  return { send, read, store };
}

const LINES: OrderLine[] = [
  { productId: 'keyboard', quantity: 2, unitPriceCents: 4_999 },
  { productId: 'mouse', quantity: 1, unitPriceCents: 1_999 },
];
const place = (orderId: string, commandId = `place-${orderId}`): PlaceOrder => ({
  schemaVersion: 1,
  type: 'PlaceOrder',
  commandId,
  orderId,
  customerId: 'c1',
  lines: LINES,
});

describe('the order aggregate', () => {
  it('places, confirms and cancels with increasing versions; a repeated command does nothing', () => {
    const { send, read, store } = orderService();
    send(place('o1'));
    send(place('o1')); // the same idempotency key again
    send({
      schemaVersion: 1,
      type: 'ConfirmOrder',
      commandId: 'confirm-1',
      orderId: 'o1',
      expectedVersion: 1,
    });
    send({
      schemaVersion: 1,
      type: 'CancelOrder',
      commandId: 'cancel-1',
      orderId: 'o1',
      expectedVersion: 2,
      reason: 'changed my mind',
    });
    expect(read()).toEqual([
      {
        schemaVersion: 1,
        type: 'OrderPlaced',
        orderId: 'o1',
        version: 1,
        commandId: 'place-o1',
        customerId: 'c1',
        lines: LINES,
        totalCents: 11_997,
      },
      { schemaVersion: 1, type: 'OrderConfirmed', orderId: 'o1', version: 2, commandId: 'confirm-1' },
      {
        schemaVersion: 1,
        type: 'OrderCancelled',
        orderId: 'o1',
        version: 3,
        commandId: 'cancel-1',
        reason: 'changed my mind',
        previousStatus: 'confirmed',
      },
    ]);
    expect(store.get('o1')).toMatchObject({ version: 3, status: 'cancelled', totalCents: 11_997 });
  });

  it('refuses, with an event naming why: a stale version, an unknown order, a second PlaceOrder, bad lines, a final order, a misrouted command', () => {
    const { send, read, store } = orderService();
    send(place('o1'));
    read();
    const rejections = () =>
      read().map((e) => (e.type === 'CommandRejected' ? [e.reason, e.version, e.message] : e.type));
    send({ schemaVersion: 1, type: 'ConfirmOrder', commandId: 'c-stale', orderId: 'o1', expectedVersion: 0 });
    send({
      schemaVersion: 1,
      type: 'ConfirmOrder',
      commandId: 'c-unknown',
      orderId: 'nope',
      expectedVersion: 1,
    });
    send(place('o1', 'place-again'));
    send({
      ...place('o2'),
      lines: [{ productId: 'keyboard', quantity: 0, unitPriceCents: 1 }],
    } as OrderCommand);
    send({
      schemaVersion: 1,
      type: 'CancelOrder',
      commandId: 'cancel',
      orderId: 'o1',
      expectedVersion: 1,
      reason: 'r',
    });
    send({
      schemaVersion: 1,
      type: 'ConfirmOrder',
      commandId: 'confirm-late',
      orderId: 'o1',
      expectedVersion: 2,
    });
    send(place('o3'), 'o4');
    expect(rejections()).toEqual([
      ['stale-version', 1, 'expected version 0, the order is at 1'],
      ['unknown-order', 0, 'order nope does not exist'],
      ['already-exists', 1, 'order o1 exists (version 1)'],
      ['invalid', 0, 'lines[0].quantity must be a whole number > 0, got 0'],
      'OrderCancelled',
      ['already-final', 2, 'order o1 is cancelled'],
      ['invalid', 0, 'the command for order o3 was keyed by o4: key commands by their orderId'],
    ]);
    expect(store.get('o2')).toBeNull();
    expect(store.get('o1')).toMatchObject({ version: 2, status: 'cancelled' });
  });

  it('the event schema refuses an event outside the contract', () => {
    const placed = {
      schemaVersion: 1,
      type: 'OrderPlaced',
      orderId: 'o1',
      version: 1,
      commandId: 'c',
      customerId: 'c1',
      lines: LINES,
      totalCents: 11_997,
    };
    expect(fitsSchema(placed)).toBe(true);
    expect(fitsSchema({ ...placed, discount: 5 })).toBe(false);
    expect(fitsSchema({ ...placed, lines: [{ ...LINES[0], quantity: 0 }] })).toBe(false);
    // Only the branch the `type` names is reported: the field at fault, not "must match oneOf".
    expect(fitsSchema.errors?.[0]).toMatchObject({
      instancePath: '/lines/0/quantity',
      message: 'must be >= 1',
    });
    expect(fitsSchema({ ...placed, type: 'OrderShipped' })).toBe(false);
    expect(fitsSchema({ ...placed, schemaVersion: 2 })).toBe(false);
  });

  it('the store always equals what the event store replays to, and every event fits the event schema (random commands, retries and conflicts)', () => {
    const orderIds = ['o1', 'o2', 'o3'];
    const command = fc.record({
      kind: fc.constantFrom('PlaceOrder', 'ConfirmOrder', 'CancelOrder'),
      orderId: fc.constantFrom(...orderIds),
      commandId: fc.integer({ min: 1, max: 30 }).map((n) => `cmd-${n}`), // small range: retries happen
      expectedVersion: fc.integer({ min: 0, max: 4 }),
      quantity: fc.integer({ min: -1, max: 3 }),
    });
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), (commands) => {
        const { send, read, store } = orderService();
        const all: OrderEvent[] = [];
        for (const c of commands) {
          const before = store.get(c.orderId);
          const message: OrderCommand =
            c.kind === 'PlaceOrder'
              ? {
                  ...place(c.orderId, c.commandId),
                  lines: [{ productId: 'p', quantity: c.quantity, unitPriceCents: 100 }],
                }
              : c.kind === 'ConfirmOrder'
                ? {
                    schemaVersion: 1,
                    type: 'ConfirmOrder',
                    commandId: c.commandId,
                    orderId: c.orderId,
                    expectedVersion: c.expectedVersion,
                  }
                : {
                    schemaVersion: 1,
                    type: 'CancelOrder',
                    commandId: c.commandId,
                    orderId: c.orderId,
                    expectedVersion: c.expectedVersion,
                    reason: 'r',
                  };
          send(message);
          const out = read();
          all.push(...out);
          for (const e of out) expect(fitsSchema(e), JSON.stringify(fitsSchema.errors)).toBe(true);
          // A command the order remembers makes nothing; any other makes exactly one event.
          expect(out).toHaveLength(before?.recentCommands.includes(c.commandId) ? 0 : 1);
          const event = out[0];
          if (event && event.type !== 'CommandRejected')
            expect(event.version).toBe((before?.version ?? 0) + 1);
        }
        const rebuilt = replay(all);
        for (const id of orderIds) expect(store.get(id)).toEqual(rebuilt.get(id) ?? null);
        driver!.close();
        driver = undefined;
      }),
      { numRuns: 150 },
    );
  });
});
