import { TopologyError } from '../../topology/topology-error.js';
import type { Materialized } from '../materialized.js';
import type { SlidingWindows } from '../sliding-windows.js';
import { TimeWindows } from '../time-windows.js';

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

/** The retention of a time or sliding window store: size + grace, or 2 × difference + grace (Kafka Streams' sizing), unless more is asked. */
export function timeWindowStoreRetentionMs(
  materialized: Materialized<unknown, unknown> | undefined,
  storeName: string,
  windows: TimeWindows | SlidingWindows,
): number {
  return windows instanceof TimeWindows
    ? windowStoreRetentionMs(
        materialized,
        storeName,
        windows.sizeMs + windows.graceMs,
        'the window size plus the grace period',
      )
    : windowStoreRetentionMs(
        materialized,
        storeName,
        2 * windows.timeDifferenceMs + windows.graceMs,
        '2 × the time difference plus the grace period',
      );
}
