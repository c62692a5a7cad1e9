import { replayEvents } from 'rivulet';
import type {
  CommandRejected,
  OrderCommand,
  OrderEvent,
  OrderLine,
  OrderState,
  RejectionReason,
} from './order-events.js';

/** How many idempotency keys an order remembers: a client retries a command soon or never. */
export const REMEMBERED_COMMANDS = 64;

/**
 * The order aggregate, event-sourced: `decide` turns a command and the current state into events
 * (never more than one here), `evolve` applies an event to the state. The state is whatever the
 * events fold to, so replaying `order-events` rebuilds it (see `replay`).
 */
export function decide(state: OrderState | null, command: OrderCommand): OrderEvent[] {
  if (state?.recentCommands.includes(command.commandId)) return [];
  const version = state?.version ?? 0;
  const base = { schemaVersion: 1 as const, orderId: command.orderId, commandId: command.commandId };
  const reject = (reason: RejectionReason, message: string): CommandRejected[] => [
    { ...base, type: 'CommandRejected', version, commandType: command.type, reason, message },
  ];
  switch (command.type) {
    case 'PlaceOrder': {
      if (state) return reject('already-exists', `order ${command.orderId} exists (version ${version})`);
      const invalid = invalidLines(command.lines) ?? (command.customerId ? null : 'customerId is empty');
      if (invalid) return reject('invalid', invalid);
      const totalCents = command.lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
      return [
        {
          ...base,
          type: 'OrderPlaced',
          version: 1,
          customerId: command.customerId,
          lines: command.lines,
          totalCents,
        },
      ];
    }
    case 'ConfirmOrder':
    case 'CancelOrder': {
      if (!state) return reject('unknown-order', `order ${command.orderId} does not exist`);
      if (command.expectedVersion !== version)
        return reject(
          'stale-version',
          `expected version ${command.expectedVersion}, the order is at ${version}`,
        );
      if (state.status !== 'placed' && !(command.type === 'CancelOrder' && state.status === 'confirmed'))
        return reject('already-final', `order ${command.orderId} is ${state.status}`);
      return command.type === 'ConfirmOrder'
        ? [{ ...base, type: 'OrderConfirmed', version: version + 1 }]
        : [
            {
              ...base,
              type: 'OrderCancelled',
              version: version + 1,
              reason: command.reason,
              previousStatus: state.status === 'confirmed' ? 'confirmed' : 'placed',
            },
          ];
    }
  }
}

/** The state after `event`; a rejection changes only the remembered commands. */
export function evolve(state: OrderState | null, event: OrderEvent): OrderState | null {
  const remember = (s: OrderState): OrderState => ({
    ...s,
    recentCommands: [...s.recentCommands, event.commandId].slice(-REMEMBERED_COMMANDS),
  });
  switch (event.type) {
    case 'OrderPlaced':
      return remember({
        orderId: event.orderId,
        version: event.version,
        status: 'placed',
        customerId: event.customerId,
        lines: event.lines,
        totalCents: event.totalCents,
        recentCommands: [],
      });
    case 'OrderConfirmed':
      return remember({ ...state!, version: event.version, status: 'confirmed' });
    case 'OrderCancelled':
      return remember({ ...state!, version: event.version, status: 'cancelled' });
    case 'CommandRejected':
      return state && remember(state);
  }
}

/** The states the events of many orders fold to, by order id (the rebuild from the event store). */
export function replay(events: Iterable<OrderEvent>): Map<string, OrderState> {
  return replayEvents(
    [...events].map((event) => ({ key: event.orderId, value: event })),
    evolve,
  );
}

function invalidLines(lines: readonly OrderLine[]): string | null {
  if (!Array.isArray(lines) || lines.length === 0) return 'lines is empty: an order needs at least one line';
  for (const [i, line] of lines.entries()) {
    if (!line.productId) return `lines[${i}].productId is empty`;
    if (!(Number.isInteger(line.quantity) && line.quantity > 0))
      return `lines[${i}].quantity must be a whole number > 0, got ${line.quantity}`;
    if (!(Number.isInteger(line.unitPriceCents) && line.unitPriceCents >= 0))
      return `lines[${i}].unitPriceCents must be a whole number >= 0, got ${line.unitPriceCents}`;
  }
  return null;
}
