import { Serdes } from 'rivulet';
import { afterEach, expect, it } from 'vitest';
import { describeKafka, kafkaBootstrap, uniqueName } from '../../test/kafka/broker-context.js';
import { kafkaCluster } from '../../test/scenarios/test-cluster.js';
import { type ChangeEvent, QueryClient } from '../client/index.js';
import { CLICKS_START_MS, someClicks, waitFor } from './embedded-shop.js';
import { expectEveryKeyFromEveryInstance } from './every-key.js';
import { QueryCluster } from './query-cluster.js';
import { type Click, COUNTS, expectedStores } from './shop-topology.js';

// The query server on a real broker: three instances answer every key of every store kind
// (forwarding), merge scans, stream a key's changes exactly as the changelog holds them, and keep
// answering (or 503 with Retry-After) while an instance leaves; a standby answers ?stale=true.

const L = Serdes.Long();
let queryCluster: QueryCluster | undefined;
const broker = kafkaCluster(kafkaBootstrap);
afterEach(async () => {
  await queryCluster?.close();
  queryCluster = undefined;
});

async function setUp(name: string, clicks: readonly Click[], numStandbyReplicas = 0) {
  const topics = { clicks: `${name}-clicks`, notes: `${name}-notes` };
  await broker.createTopic(topics.clicks, 4);
  await broker.createTopic(topics.notes, 4);
  await produceClicks(topics.clicks, clicks);
  queryCluster = new QueryCluster(
    { applicationId: name, bootstrapServers: kafkaBootstrap, numStandbyReplicas, commitIntervalMs: 100 },
    {},
    topics,
  );
  return topics;
}

function produceClicks(topic: string, clicks: readonly Click[]) {
  return broker.produce(
    topic,
    clicks.map((c) => ({ key: Buffer.from(c.key), value: Buffer.from('x'), timestampMs: c.timestampMs })),
  );
}

async function allCounts(client: QueryClient) {
  const all: [string, number][] = [];
  for await (const e of client.entries<string, number>(COUNTS, { pageSize: 9 })) all.push([e.key, e.value]);
  return all;
}

describeKafka('query server on a real broker', () => {
  it('three instances answer every key, merge scans, stream changes in changelog order, and ride out a rebalance', async () => {
    const name = uniqueName('iq');
    const clicks = someClicks();
    const topics = await setUp(name, clicks);
    for (const id of ['a', 'b', 'c']) await queryCluster!.add(id);
    const model = expectedStores(clicks);
    const clients = queryCluster!.instances.map((i) => new QueryClient({ baseUrl: i.server.url }));
    const expectedAll = [...model.counts]
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([k, v]) => [k, v.value]);
    // Every instance's metadata is published and every record processed.
    for (const client of clients)
      await waitFor(
        'every count',
        async () =>
          JSON.stringify(await allCounts(client)) === JSON.stringify(expectedAll) ? true : undefined,
        60_000,
      );

    const forwarded = await expectEveryKeyFromEveryInstance(clients, queryCluster!.instances, model);
    expect(forwarded).toBeGreaterThan(model.counts.size);

    // A subscriber at an instance that does not own the key; the owner then leaves.
    const key = 'user-009';
    const ownerId = (await clients[0]!.metadata(COUNTS, key)).activeHost!.instanceId;
    const subscriber = queryCluster!.instances.find((i) => i.id !== ownerId)!;
    const events: ChangeEvent<string, number>[] = [];
    const subscription = new QueryClient({ baseUrl: subscriber.server.url })
      .subscribe<string, number>(COUNTS, { key })
      .subscribe({ next: (e) => events.push(e) });
    const initial = await waitFor('the initial value', async () => events.find((e) => e.type === 'initial'));
    expect(initial).toMatchObject({ entries: [{ key, value: model.counts.get(key)!.value }] });
    const more = (n: number, from: number) =>
      produceClicks(
        topics.clicks,
        Array.from({ length: n }, (_, i) => ({ key, timestampMs: CLICKS_START_MS + 500_000 + from + i })),
      );
    await more(3, 0);
    await waitFor(
      '3 changes',
      async () => (events.filter((e) => e.type === 'change').length >= 3 ? true : undefined),
      30_000,
    );

    const owner = queryCluster!.instances.find((i) => i.id === ownerId)!;
    const others = queryCluster!.instances.filter((i) => i !== owner).map((i) => i.server.url);
    const stopping = queryCluster!.stop(owner);
    const statuses = new Map<number, number>();
    await waitFor(
      'every key answered by the remaining instances',
      async () => {
        let right = true;
        for (const url of others) {
          for (const [k, expected] of model.counts) {
            if (k === key) continue;
            const response = await fetch(`${url}/stores/${COUNTS}/keys/${k}`);
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (response.status === 200)
              expect(((await response.json()) as { value: number }).value).toBe(expected.value);
            else {
              expect(response.status, await response.text()).toBe(503);
              expect(response.headers.get('retry-after')).toBe('1');
              right = false;
            }
          }
        }
        return right ? true : undefined;
      },
      120_000,
    );
    await stopping;
    expect(statuses.get(503), 'the moving partitions answered 503 for a while').toBeGreaterThan(0);
    await more(3, 3);
    await waitFor(
      '6 changes',
      async () => (events.filter((e) => e.type === 'change').length >= 6 ? true : undefined),
      60_000,
    );
    subscription.unsubscribe();
    expect(events.some((e) => e.type === 'end')).toBe(false);

    const startOffset = Number((initial as { id: string }).id.split(':')[1]);
    const changelog = (await broker.readAll(`${name}-${COUNTS}-changelog`))
      .filter((r) => r.key?.toString() === key && r.offset >= startOffset)
      .map((r) => ({ value: L.deserialize('', r.value), offset: r.offset }));
    const changes = events.filter((e) => e.type === 'change') as Extract<
      ChangeEvent<string, number>,
      { type: 'change' }
    >[];
    expect(changes.map((c) => ({ value: c.value, offset: c.offset }))).toEqual(changelog);
    expect(changes.map((c) => c.value)).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => model.counts.get(key)!.value + n),
    );
    // Scans from a remaining instance see the whole store again, the new clicks included.
    const after = expectedAll.map(([k, v]) => [k, k === key ? (v as number) + 6 : v]);
    const remaining = new QueryClient({ baseUrl: others[0]! });
    await waitFor(
      'the whole store after the rebalance',
      async () => (JSON.stringify(await allCounts(remaining)) === JSON.stringify(after) ? true : undefined),
      60_000,
    );
  });

  it('a standby answers ?stale=true with its lag', async () => {
    const name = uniqueName('iq-stale');
    const clicks = someClicks();
    await setUp(name, clicks, 1);
    const a = await queryCluster!.add('a');
    const b = await queryCluster!.add('b');
    const model = expectedStores(clicks);
    const client = new QueryClient({ baseUrl: b.server.url });
    const key = await waitFor(
      'a key of a with a standby on b',
      async () => {
        const standby = (await client.stores()).find((s) => s.name === COUNTS)!.standbyPartitions;
        for (const k of model.counts.keys()) {
          const metadata = await client.metadata(COUNTS, k);
          if (metadata.activeHost?.instanceId === 'a' && standby.includes(metadata.partition!)) return k;
        }
        return undefined;
      },
      60_000,
    );
    const answer = await waitFor(
      'the standby to catch up',
      async () => {
        const response = await fetch(`${b.server.url}/stores/${COUNTS}/keys/${key}?stale=true`);
        const body = (await response.json()) as { value: number };
        return response.status === 200 && body.value === model.counts.get(key)!.value ? response : undefined;
      },
      60_000,
    );
    expect(answer.headers.get('x-rivulet-answered-by')).toBe(b.server.address);
    expect(answer.headers.get('x-rivulet-lag')).toMatch(/^\d+$/);
    expect(
      (await fetch(`${b.server.url}/stores/${COUNTS}/keys/${key}`)).headers.get('x-rivulet-answered-by'),
    ).toBe(a.server.address);
  });
});
