// A child-process instance of the table joins scenario (test/scenarios/table-joins.ts).
// Usage: node --import tsx --conditions rivulet-source table-joins-app.ts <bootstrap> <appId> <instanceId> <orders> <customers> <shipments> <withCustomer> <withShipment>
// Prints `STATE <state>` on each change.
import { tableJoinsInstance } from '../../scenarios/table-joins.js';
import { runChild } from './run-child.js';

const [
  bootstrapServers,
  applicationId,
  instanceId,
  orders,
  customers,
  shipments,
  withCustomer,
  withShipment,
] = process.argv.slice(2) as [string, string, string, string, string, string, string, string];
const streams = tableJoinsInstance(
  bootstrapServers,
  applicationId,
  instanceId,
  { orders, customers, shipments, withCustomer, withShipment },
  'exactly_once_v2',
);
await runChild(streams);
