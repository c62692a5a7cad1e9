// A child-process instance of the order-payment scenario (test/scenarios/order-payment.ts).
// Usage: node --import tsx --conditions rivulet-source order-payment-app.ts <bootstrap> <appId> <instanceId> <orders> <payments> <joined> <final>
// Prints `STATE <state>` on each change.
import { orderPaymentInstance } from '../../scenarios/order-payment-run.js';
import { runChild } from './run-child.js';

const [bootstrapServers, applicationId, instanceId, orders, payments, joined, final] = process.argv.slice(
  2,
) as [string, string, string, string, string, string, string];
const streams = orderPaymentInstance(
  bootstrapServers,
  applicationId,
  instanceId,
  { orders, payments, joined, final },
  'exactly_once_v2',
);
await runChild(streams);
