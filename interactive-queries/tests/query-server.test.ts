import { afterEach, describe, expect, it } from 'vitest';
import { QueryClient, QueryError } from '../client/index.js';
import { embeddedLog, someClicks, waitFor } from './embedded-shop.js';
import { expectEveryKeyFromEveryInstance } from './every-key.js';
import { QueryCluster } from './query-cluster.js';
import { type Click, COUNTS, expectedStores, PER_SECOND } from './shop-topology.js';

// The query server on the embedded log: three instances, every key answered from every instance
// (forwarded to its owner where needed), scans merged across instances, and the errors.

let cluster: QueryCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function threeInstances(clicks: readonly Click[]) {
  const { bootstrapServers, log } = embeddedLog(clicks);
  cluster = new QueryCluster({ applicationId: 'iq', bootstrapServers });
  for (const id of ['a', 'b', 'c']) await cluster.add(id);
  const clients = cluster.instances.map((i) => new QueryClient({ baseUrl: i.server.url }));
  // Every instance's metadata is published and every count is in.
  const model = expectedStores(clicks);
  await waitFor('every count, from every instance', async () => {
    for (const client of clients) {
      const all = [];
      for await (const e of client.entries(COUNTS)) all.push(e);
      if (all.length !== model.counts.size) return undefined;
    }
    return true;
  });
  return { log, clients, model };
}

describe('query server on the embedded log', () => {
  it('answers every key of a key-value, a window and a session store from every instance', async () => {
    const clicks = someClicks();
    const { clients, model } = await threeInstances(clicks);
    const forwarded = await expectEveryKeyFromEveryInstance(clients, cluster!.instances, model);
    // Each instance owns some of the partitions, so most answers were forwarded.
    expect(forwarded).toBeGreaterThan(model.counts.size);
    expect(await clients[0]!.get(COUNTS, 'nobody')).toBeUndefined();
  });

  it('scans (all, range, prefix) merge every instance in key order, page by page', async () => {
    const { clients, model } = await threeInstances(someClicks());
    const keys = [...model.counts.keys()].sort();
    for (const client of clients) {
      const all = [];
      for await (const e of client.entries<string, number>(COUNTS, { pageSize: 7 }))
        all.push([e.key, e.value]);
      expect(all).toEqual(keys.map((k) => [k, model.counts.get(k)!.value]));
      const range = [];
      for await (const e of client.entries<string, number>(COUNTS, {
        from: 'user-005',
        to: 'user-017',
        pageSize: 4,
      }))
        range.push(e.key);
      expect(range).toEqual(keys.filter((k) => k >= 'user-005' && k <= 'user-017'));
      const prefixed = [];
      for await (const e of client.entries<string, number>(COUNTS, { prefix: 'user-02', pageSize: 3 }))
        prefixed.push(e.key);
      expect(prefixed).toEqual(keys.filter((k) => k.startsWith('user-02')));
    }
  });

  it('answers 4xx with a JSON error naming the problem, and 503 with Retry-After before the instance runs', async () => {
    const { clients } = await threeInstances(someClicks());
    const url = cluster!.instances[0]!.server.url;
    const unknownStore = await fetch(`${url}/stores/nope/keys/x`);
    expect(unknownStore.status).toBe(404);
    expect(((await unknownStore.json()) as { message: string }).message).toMatch(
      /no store named 'nope'.*counts/,
    );
    const wrongKind = await fetch(`${url}/stores/${PER_SECOND}/keys/user-001`);
    expect(wrongKind.status).toBe(400);
    expect(((await wrongKind.json()) as { message: string }).message).toMatch(/windows/);
    const badLimit = await fetch(`${url}/stores/${COUNTS}/entries?limit=0`);
    expect(badLimit.status).toBe(400);
    expect(((await badLimit.json()) as { message: string }).message).toMatch(/limit/);
    await expect(clients[1]!.windows(COUNTS, 'user-001')).rejects.toBeInstanceOf(QueryError);

    const late = await cluster!.add('late', { start: false });
    for (const path of [`/stores/${COUNTS}/keys/user-001`, `/stores/${COUNTS}/entries`, '/ready']) {
      const early = await fetch(late.server.url + path);
      expect(early.status, path).toBe(503);
      expect(early.headers.get('retry-after'), path).toBe('1');
    }
    await cluster!.startStreams(late);
    expect((await fetch(`${late.server.url}/ready`)).status).toBe(200);
  });

  it('through a rebalance (an instance stops) answers are right or 503 with Retry-After, and right again after', async () => {
    const { clients, model } = await threeInstances(someClicks());
    const [a, b] = cluster!.instances.map((i) => i.server.url);
    const stopping = cluster!.stop(cluster!.instances[2]!);
    const statuses = new Map<number, number>();
    let settled = false;
    const deadline = Date.now() + 30_000;
    while (!settled) {
      if (Date.now() > deadline) throw new Error(`answers did not settle: ${JSON.stringify([...statuses])}`);
      settled = true;
      for (const url of [a, b]) {
        for (const [key, expected] of model.counts) {
          const response = await fetch(`${url}/stores/${COUNTS}/keys/${key}`);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status === 200) {
            expect(await response.json()).toEqual({
              key,
              value: expected.value,
              timestamp: expected.timestamp,
            });
          } else {
            expect(response.status, await response.text()).toBe(503);
            expect(response.headers.get('retry-after')).toBe('1');
            settled = false;
          }
        }
      }
    }
    await stopping;
    // The stopped instance's keys were unavailable for a moment (its server gone, then the move).
    expect(statuses.get(503)).toBeGreaterThan(0);
    expect(cluster!.instances).toHaveLength(2);
    expect(await clients[0]!.get(COUNTS, 'user-007')).toMatchObject({
      value: model.counts.get('user-007')!.value,
    });
  });

  it('?stale=true is answered by a standby, with its lag in X-Rivulet-Lag', async () => {
    const clicks = someClicks();
    const { bootstrapServers } = embeddedLog(clicks);
    cluster = new QueryCluster({ applicationId: 'iq-stale', bootstrapServers, numStandbyReplicas: 1 });
    const [a, b] = [await cluster.add('a'), await cluster.add('b')];
    const model = expectedStores(clicks);
    const client = new QueryClient({ baseUrl: b.server.url });
    // A key owned by a, whose partition b keeps as a standby.
    const key = await waitFor('a key of a with a standby on b', async () => {
      const stores = await client.stores();
      const standby = stores.find((s) => s.name === COUNTS)!.standbyPartitions;
      for (const k of model.counts.keys()) {
        const metadata = await client.metadata(COUNTS, k);
        if (metadata.activeHost?.instanceId === 'a' && standby.includes(metadata.partition!)) return k;
      }
      return undefined;
    });
    const expected = model.counts.get(key)!;
    const answer = await waitFor('the standby to catch up', async () => {
      const response = await fetch(`${b.server.url}/stores/${COUNTS}/keys/${key}?stale=true`);
      const body = (await response.json()) as { value: number };
      return response.status === 200 && body.value === expected.value ? response : undefined;
    });
    expect(answer.headers.get('x-rivulet-answered-by')).toBe(b.server.address);
    expect(answer.headers.get('x-rivulet-lag')).toMatch(/^\d+$/);
    // Without stale, b forwards to a.
    const fresh = await fetch(`${b.server.url}/stores/${COUNTS}/keys/${key}`);
    expect(fresh.headers.get('x-rivulet-answered-by')).toBe(a.server.address);
  });
});
