import { EmbeddedLog, Serdes } from 'rivulet';
import { afterEach, describe, expect, it } from 'vitest';
import { QueryClient, QueryError } from '../client/index.js';
import { QueryCluster } from './query-cluster.js';
import { CLICKS, type Click, COUNTS, expectedStores, NOTES, PER_SECOND, VISITS } from './shop-topology.js';

// The query server on the embedded log: three instances, every key answered from every instance
// (forwarded to its owner where needed), scans merged across instances, and the errors.

const S = Serdes.String();
let cluster: QueryCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

/** A cluster name of its own per test, with the input topics and `clicks` produced. */
function embeddedLog(clicks: readonly Click[]) {
  const name = `iq-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const log = EmbeddedLog.named(name).createTopic(CLICKS, 4).createTopic(NOTES, 4);
  log.produce(
    CLICKS,
    clicks.map((c) => ({ key: c.key, value: 'x', timestampMs: c.timestampMs })),
    S,
    S,
  );
  return { bootstrapServers: `memory://${name}`, log };
}

/** 40 users; user i clicks i % 5 + 1 times from its own second: 40 ms apart, the 4th and 5th after a pause (a second session). */
function someClicks(): Click[] {
  const clicks: Click[] = [];
  for (let i = 0; i < 40; i++) {
    const key = `user-${String(i).padStart(3, '0')}`;
    for (let n = 0; n <= i % 5; n++)
      clicks.push({ key, timestampMs: 1_000 * i + 40 * n + (n >= 3 ? 500 : 0) });
  }
  return clicks;
}

async function waitFor<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt().catch(() => undefined);
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

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
            .map(([start, n]) => [start, start + 1_000, n]),
        );
        const sessions = await client.sessions<number>(VISITS, key);
        expect(sessions).toEqual(model.sessions.get(key));
        const metadata = await client.metadata(COUNTS, key);
        if (metadata.activeHost?.instanceId !== cluster!.instances[i]!.id) forwarded++;
      }
    }
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
});
