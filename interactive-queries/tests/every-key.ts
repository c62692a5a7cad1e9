import { expect } from 'vitest';
import type { QueryClient } from '../client/index.js';
import type { QueryInstance } from './query-cluster.js';
import { COUNTS, type expectedStores, PER_SECOND, VISITS, WINDOW_MS } from './shop-topology.js';

/**
 * Asks every instance for every key of the key-value, window and session stores and checks the
 * answers against the model; returns how many answers came from another instance (forwarded).
 */
export async function expectEveryKeyFromEveryInstance(
  clients: readonly QueryClient[],
  instances: readonly QueryInstance[],
  model: ReturnType<typeof expectedStores>,
): Promise<number> {
  let forwarded = 0;
  for (const [i, client] of clients.entries()) {
    for (const [key, expected] of model.counts) {
      expect(await client.get(COUNTS, key)).toEqual({
        key,
        value: expected.value,
        timestamp: expected.timestamp,
      });
      const windows = await client.windows<number>(PER_SECOND, key);
      expect(windows.map((w) => [w.start, w.end, w.value])).toEqual(
        [...model.windows.get(key)!]
          .sort(([a], [b]) => a - b)
          .map(([start, n]) => [start, start + WINDOW_MS, n]),
      );
      expect(await client.sessions<number>(VISITS, key)).toEqual(model.sessions.get(key));
      const metadata = await client.metadata(COUNTS, key);
      if (metadata.activeHost?.instanceId !== instances[i]!.id) forwarded++;
    }
  }
  return forwarded;
}
