import { describe, expect, it } from 'vitest';
import {
  Consumed,
  type SagaDefinition,
  type SagaEvent,
  type SagaState,
  Serdes,
  StreamsBuilder,
  saga,
  TopologyTestDriver,
} from '../index.js';

// A two-step saga (reserve, then pay) on the TopologyTestDriver: completion, a failed step
// compensated, a step that times out compensated with itself, and the replies that must do nothing.

interface Order {
  amount: number;
  paymentId?: string;
}
type Reply = { step: 'reserve' | 'pay'; ok: boolean; paymentId?: string; why?: string };

const S = Serdes.String();
const definition: SagaDefinition<string, Order, Reply> = {
  name: 'checkout',
  keySerde: S,
  eventsTopic: 'checkout-events',
  steps: [
    {
      name: 'reserve',
      timeoutMs: 5_000,
      request: (order, id) => ({ topic: 'inventory', value: { reserve: id, amount: order.amount } }),
      compensate: (_order, id) => ({ topic: 'inventory', value: { release: id } }),
    },
    {
      name: 'pay',
      timeoutMs: 10_000,
      request: (order, id) => ({ topic: 'payments', value: { charge: id, amount: order.amount } }),
      compensate: (order, id) => ({
        topic: 'payments',
        value: { refund: id, paymentId: order.paymentId ?? null },
      }),
    },
  ],
  interpret: (reply) => ({
    step: reply.step,
    succeeded: reply.ok,
    ...(reply.paymentId ? { data: { paymentId: reply.paymentId } } : {}),
    ...(reply.why ? { reason: reply.why } : {}),
  }),
  onCompleted: (_order, id) => ({ topic: 'orders', value: { confirm: id } }),
  onCompensated: (_order, id, reason) => ({ topic: 'orders', value: { cancel: id, reason } }),
  timeoutCheckIntervalMs: 1_000,
};

function checkout() {
  const builder = new StreamsBuilder();
  saga(
    builder.stream<string, Order>('checkouts', Consumed.with(S, Serdes.Json<Order>())),
    builder.stream<string, Reply>('replies', Consumed.with(S, Serdes.Json<Reply>())),
    definition,
  );
  const driver = new TopologyTestDriver(builder.build(), {}, 0);
  const starts = driver.createInputTopic('checkouts', S, Serdes.Json<Order>());
  const replies = driver.createInputTopic('replies', S, Serdes.Json<Reply>());
  const out = (topic: string) => driver.createOutputTopic(topic, S, Serdes.Json<unknown>());
  const [inventory, payments, orders, events] = ['inventory', 'payments', 'orders', 'checkout-events'].map(
    out,
  );
  return {
    driver,
    start: (id: string, amount: number) => starts.pipeInput(id, { amount }),
    reply: (id: string, r: Reply) => replies.pipeInput(id, r),
    sent: () => ({
      inventory: inventory!.readValuesToList(),
      payments: payments!.readValuesToList(),
      orders: orders!.readValuesToList(),
    }),
    events: () => (events!.readValuesToList() as SagaEvent<string>[]).map((e) => [e.type, e.step, e.reason]),
    state: (id: string) => driver.getKeyValueStore<string, SagaState<string, Order>>('checkout').get(id),
  };
}

describe('saga', () => {
  const run = checkout;

  it('runs the steps in order and completes', () => {
    const s = run();
    try {
      s.start('o1', 30);
      s.start('o1', 99); // a second start for the same id does nothing
      s.reply('o1', { step: 'reserve', ok: true });
      s.reply('o1', { step: 'reserve', ok: true }); // repeated: nothing
      s.reply('o1', { step: 'pay', ok: true, paymentId: 'pay-7' });
      expect(s.sent()).toEqual({
        inventory: [{ reserve: 'o1', amount: 30 }],
        payments: [{ charge: 'o1', amount: 30 }],
        orders: [{ confirm: 'o1' }],
      });
      expect(s.events()).toEqual([
        ['SagaStarted', null, null],
        ['StepRequested', 'reserve', null],
        ['StepSucceeded', 'reserve', null],
        ['StepRequested', 'pay', null],
        ['StepSucceeded', 'pay', null],
        ['SagaCompleted', null, null],
      ]);
      expect(s.state('o1')).toMatchObject({ status: 'completed', data: { amount: 30, paymentId: 'pay-7' } });
    } finally {
      s.driver.close();
    }
  });

  it('a failed step undoes the steps before it, last first, then sends the final message', () => {
    const s = run();
    try {
      s.start('o2', 10);
      s.reply('o2', { step: 'reserve', ok: true });
      s.reply('o2', { step: 'pay', ok: false, why: 'card declined' });
      expect(s.sent()).toEqual({
        inventory: [{ reserve: 'o2', amount: 10 }, { release: 'o2' }],
        payments: [{ charge: 'o2', amount: 10 }],
        orders: [{ cancel: 'o2', reason: 'card declined' }],
      });
      expect(s.events().slice(-3)).toEqual([
        ['StepFailed', 'pay', 'card declined'],
        ['CompensationRequested', 'reserve', null],
        ['SagaCompensated', null, 'card declined'],
      ]);
      expect(s.state('o2')).toMatchObject({ status: 'compensated', reason: 'card declined' });
    } finally {
      s.driver.close();
    }
  });

  it('a step with no reply in time is undone with the steps before it; a late reply changes nothing', () => {
    const s = run();
    try {
      s.start('o3', 5);
      s.reply('o3', { step: 'reserve', ok: true });
      s.sent();
      s.events();
      s.driver.advanceWallClockTime(9_000);
      expect(s.state('o3')!.status).toBe('running'); // the payment may take 10 s
      s.driver.advanceWallClockTime(2_000);
      expect(s.events()).toEqual([
        ['StepTimedOut', 'pay', 'no reply within 10000 ms'],
        ['CompensationRequested', 'pay', null],
        ['CompensationRequested', 'reserve', null],
        ['SagaCompensated', null, 'step pay timed out'],
      ]);
      expect(s.sent()).toEqual({
        inventory: [{ release: 'o3' }],
        payments: [{ refund: 'o3', paymentId: null }],
        orders: [{ cancel: 'o3', reason: 'step pay timed out' }],
      });
      s.reply('o3', { step: 'pay', ok: true, paymentId: 'late' });
      expect(s.events()).toEqual([]);
      expect(s.state('o3')).toMatchObject({ status: 'compensated' });
    } finally {
      s.driver.close();
    }
  });
});
