import { connect } from 'node:net';
import { Serdes } from 'rivulet';
import { filter, firstValueFrom, type Observable, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChangeEvent, QueryClient } from '../client/index.js';
import { CLICKS_START_MS, embeddedLog, someClicks, waitFor } from './embedded-shop.js';
import { QueryCluster } from './query-cluster.js';
import { CLICKS, COUNTS, expectedStores, NOTES, NOTES_STORE } from './shop-topology.js';

// Live subscriptions (Server-Sent Events): the current value, then every committed change in
// changelog order; across a rebalance; resumed with Last-Event-ID; and a slow client dropped.

const S = Serdes.String();
let cluster: QueryCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

type CountEvent = ChangeEvent<string, number>;

/** Collects a subscription's events as they come (the subscription stays open until `stop`). */
function record(events: Observable<CountEvent>) {
  const seen: CountEvent[] = [];
  let failure: unknown;
  const subscription = events.subscribe({ next: (e) => seen.push(e), error: (err) => (failure = err) });
  return {
    seen,
    changes: () => seen.filter((e) => e.type === 'change'),
    failure: () => failure,
    stop: () => subscription.unsubscribe(),
  };
}

async function twoInstances(options: ConstructorParameters<typeof QueryCluster>[1] = {}) {
  const clicks = someClicks();
  const { bootstrapServers, log } = embeddedLog(clicks);
  cluster = new QueryCluster({ applicationId: 'iq-live', bootstrapServers }, options);
  const a = await cluster.add('a');
  const b = await cluster.add('b');
  const model = expectedStores(clicks);
  const client = new QueryClient({ baseUrl: b.server.url });
  await waitFor('every count', async () => {
    let n = 0;
    for await (const _ of client.entries(COUNTS)) n++;
    return n === model.counts.size ? true : undefined;
  });
  return { log, a, b, model, client };
}

/** The changelog records of a key of the counts store, from `offset` on (what subscribers must see). */
function changelogOf(log: ReturnType<typeof embeddedLog>['log'], key: string, fromOffset: number) {
  return log
    .read('iq-live-counts-changelog', S, Serdes.Long())
    .filter((r) => r.key === key && r.offset >= fromOffset)
    .map((r) => ({ value: r.value, offset: r.offset, timestamp: r.timestampMs }));
}

describe('live subscriptions', { timeout: 90_000 }, () => {
  it("a key's subscriber sees its value, then every committed change exactly in changelog order, through a rebalance", async () => {
    const { log, a, b, model } = await twoInstances();
    const key = 'user-004';
    // Subscribed at the instance that does not own the key; the owner then leaves.
    const ownerId = (await new QueryClient({ baseUrl: a.server.url }).metadata(COUNTS, key)).activeHost!
      .instanceId;
    const [owner, other] = ownerId === 'a' ? [a, b] : [b, a];
    const client = new QueryClient({ baseUrl: other.server.url });
    const subscription = record(client.subscribe<string, number>(COUNTS, { key }));
    const initial = await waitFor('the initial event', async () =>
      subscription.seen.find((e) => e.type === 'initial'),
    );
    expect(initial).toMatchObject({ entries: [{ key, value: model.counts.get(key)!.value }] });
    const startOffset = Number(initial.id.split(':')[1]);

    const more = (from: number, n: number) =>
      log.produce(
        CLICKS,
        Array.from({ length: n }, (_, i) => ({
          key,
          value: 'x',
          timestampMs: CLICKS_START_MS + 100_000 + from + i,
        })),
        S,
        S,
      );
    more(0, 5);
    await waitFor('5 changes', async () => (subscription.changes().length >= 5 ? true : undefined));
    await cluster!.stop(owner);
    more(5, 5);
    await waitFor('10 changes', async () => (subscription.changes().length >= 10 ? true : undefined), 30_000);
    await new Promise((r) => setTimeout(r, 300));
    subscription.stop();
    expect(subscription.failure()).toBeUndefined();
    expect(subscription.seen.some((e) => e.type === 'end')).toBe(false);
    const changes = subscription.changes() as Extract<CountEvent, { type: 'change' }>[];
    expect(changes.map((c) => ({ value: c.value, offset: c.offset, timestamp: c.timestamp }))).toEqual(
      changelogOf(log, key, startOffset),
    );
    expect(changes.map((c) => c.value)).toEqual(
      Array.from({ length: 10 }, (_, i) => model.counts.get(key)!.value + 1 + i),
    );
    expect(changes.map((c) => c.oldValue)).toEqual([
      model.counts.get(key)!.value,
      ...changes.slice(0, -1).map((c) => c.value),
    ]);
  });

  it('resumes after Last-Event-ID with exactly the changes it had not seen', async () => {
    const { log, client } = await twoInstances();
    const key = 'user-011';
    const first = record(client.subscribe<string, number>(COUNTS, { key }));
    await waitFor('the initial event', async () => first.seen.find((e) => e.type === 'initial'));
    log.produce(
      CLICKS,
      [1, 2].map((i) => ({ key, value: 'x', timestampMs: CLICKS_START_MS + 200_000 + i })),
      S,
      S,
    );
    const seen = await waitFor('2 changes', async () =>
      first.changes().length === 2 ? first.changes() : undefined,
    );
    first.stop();
    const lastId = (seen[1] as { id: string }).id;
    log.produce(
      CLICKS,
      [3, 4, 5].map((i) => ({ key, value: 'x', timestampMs: CLICKS_START_MS + 200_000 + i })),
      S,
      S,
    );
    const resumed = await firstValueFrom(
      client.subscribe<string, number>(COUNTS, { key }, { lastEventId: lastId }).pipe(take(3), toArray()),
    );
    expect(resumed.every((e) => e.type === 'change')).toBe(true);
    const values = resumed.map((e) => (e as { value: number }).value);
    const last = (seen[1] as { value: number }).value;
    expect(values).toEqual([last + 1, last + 2, last + 3]);
  });

  it('a prefix subscription starts with every entry under the prefix', async () => {
    const { model, client } = await twoInstances();
    const initial = await firstValueFrom(
      client.subscribe<string, number>(COUNTS, { prefix: 'user-01' }).pipe(
        filter((e) => e.type === 'initial'),
        take(1),
      ),
    );
    const expected = [...model.counts]
      .filter(([k]) => k.startsWith('user-01'))
      .map(([key, v]) => ({ key, value: v.value, timestamp: v.timestamp }));
    expect(initial.type === 'initial' && initial.entries).toEqual(expected);
  });

  it('drops a client that reads nothing once it falls behind, without the server buffering the stream', async () => {
    const maxBufferedBytes = 256 * 1024;
    const { log, b, client } = await twoInstances({ changes: { maxBufferedBytes } });
    // 64 MB of changes in the changelog before the client comes; it asks for all of them from the start.
    const note = 'n'.repeat(64 * 1024);
    for (let batch = 0; batch < 8; batch++)
      log.produce(
        NOTES,
        Array.from({ length: 128 }, (_, i) => ({ key: `k${i % 16}`, value: note + batch + i })),
        S,
        S,
      );
    await waitFor('the notes in the store', async () => {
      const last = await client.get<string, string>(NOTES_STORE, 'k15');
      return last?.value === `${note}7127` ? true : undefined;
    });
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    // A client that sends the request and never reads a byte of the answer.
    const socket = connect({ host: '127.0.0.1', port: Number(b.server.address.split(':')[1]) });
    socket.pause();
    socket.on('error', () => {});
    socket.write(
      `GET /stores/${NOTES_STORE}/changes HTTP/1.1\r\nhost: x\r\nlast-event-id: 0:0,1:0,2:0,3:0\r\n\r\n`,
    );
    const metrics = async () => (await fetch(`${b.server.url}/metrics`)).text();
    const after = await waitFor(
      'the slow client to be dropped',
      async () => {
        const text = await metrics();
        return /rivulet_query_subscriptions_dropped_total 1/.test(text) ? text : undefined;
      },
      60_000,
    );
    expect(after).toMatch(/rivulet_query_subscriptions 0/);
    const grownMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    console.log(
      `slow subscriber dropped; RSS grew ${grownMb.toFixed(1)} MB while it asked for 64 MB of changes`,
    );
    // Buffering the stream for the client would take more than the 64 MB it asked for.
    expect(grownMb).toBeLessThan(48);
    socket.destroy();
  });
});
