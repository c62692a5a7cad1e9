import { Counter, Gauge, type Registry } from 'prom-client';

const OPEN = 'rivulet_query_subscriptions';
const DROPPED = 'rivulet_query_subscriptions_dropped_total';

/** Live subscriptions in the instance's registry (/metrics): how many are open, how many were dropped as too slow. */
export function subscriptionMetrics(registry: Registry, open: () => number): { dropped: Counter } {
  if (!registry.getSingleMetric(OPEN))
    new Gauge({
      name: OPEN,
      help: 'Live subscriptions (Server-Sent Events) open on this instance',
      registers: [registry],
      collect() {
        this.set(open());
      },
    });
  const dropped =
    (registry.getSingleMetric(DROPPED) as Counter | undefined) ??
    new Counter({
      name: DROPPED,
      help: 'Live subscriptions dropped because the client left too much unread',
      registers: [registry],
    });
  return { dropped };
}
