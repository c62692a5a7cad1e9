import { TopologyError } from '../../topology/topology-error.js';
import type { Materialized } from '../materialized.js';

/**
 * A window or session store's retention, as Kafka Streams sizes it: `minimumMs` (size or gap plus
 * grace, named by `minimum`) unless Materialized.withRetention asks for more; less is an error,
 * since windows would expire before they close.
 */
export function windowStoreRetentionMs(
  materialized: Materialized<unknown, unknown> | undefined,
  storeName: string,
  minimumMs: number,
  minimum: string,
): number {
  const retentionMs = materialized?.retentionMs;
  if (retentionMs === undefined) return minimumMs;
  if (retentionMs < minimumMs)
    throw new TopologyError(
      `the retention period of store ${storeName} must be no smaller than ${minimum} (${minimumMs} ms), got ${retentionMs} ms; raise Materialized.withRetention or leave it unset`,
    );
  return retentionMs;
}
