// A child-process instance of the temporal join scenario (test/scenarios/temporal-join.ts).
// Usage: node --import tsx --conditions rivulet-source temporal-join-app.ts <bootstrap> <appId> <instanceId> <prices> <orders> <priced>
// Prints `STATE <state>` on each change.
import { temporalJoinInstance } from '../../scenarios/temporal-join.js';
import { runChild } from './run-child.js';

const [bootstrapServers, applicationId, instanceId, prices, orders, priced] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const streams = temporalJoinInstance(
  bootstrapServers,
  applicationId,
  instanceId,
  { prices, orders, priced },
  'exactly_once_v2',
);
await runChild(streams);
