import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Consumed,
  EmbeddedLog,
  Grouped,
  InvalidStoreTypeError,
  KafkaStreams,
  Materialized,
  QueryableStoreTypes,
  Serdes,
  SessionWindows,
  type StoreChangeEvent,
  StoreNotQueryableError,
  StoreQueryParameters,
  Stores,
  StreamsBuilder,
  StreamsNotStartedError,
  TimeWindows,
  UnknownStateStoreError,
} from '../../index.js';
import { partitionForKey } from '../../transport/murmur2.js';
import { waitUntil } from './wait-until.js';

// Interactive queries of every store kind on a running instance: typed views over the partitions
// the instance hosts, one partition, stale stores (standbys), and the typed errors.

const S = Serdes.String();
const running: KafkaStreams[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

function topology() {
  const builder = new StreamsBuilder();
  const clicks = builder.stream<string, string>('clicks', Consumed.with(S, S)).groupByKey(Grouped.with(S, S));
  clicks.count(Materialized.as<string, number>('counts').withCachingDisabled());
  clicks
    .windowedBy(TimeWindows.ofSizeAndGrace(1_000, 5_000))
    .count(Materialized.as<string, number>('per-second').withCachingDisabled());
  clicks
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(100, 5_000))
    .count(Materialized.as<string, number>('visits').withCachingDisabled());
  builder.table(
    'prices',
    Consumed.with(S, S),
    Materialized.as(Stores.persistentVersionedKeyValueStore('prices', 60_000)),
  );
  return builder.build();
}

async function start(cluster: string, id: string, standbys = 0) {
  const streams = new KafkaStreams(topology(), {
    applicationId: 'queries',
    bootstrapServers: `memory://${cluster}`,
    instanceId: id,
    numStandbyReplicas: standbys,
    stateDir: mkdtempSync(join(tmpdir(), `rivulet-queries-${id}-`)),
    commitIntervalMs: 20,
  });
  running.push(streams);
  await streams.start();
  await streams.waitForState('RUNNING');
  return streams;
}

function cluster() {
  const name = `queries-${Date.now()}-${Math.random()}`;
  const log = EmbeddedLog.named(name).createTopic('clicks', 4).createTopic('prices', 4);
  log.produce(
    'clicks',
    [
      { key: 'a', value: 'x', timestampMs: 1_000 },
      { key: 'a', value: 'x', timestampMs: 1_050 },
      { key: 'b', value: 'x', timestampMs: 1_500 },
      { key: 'a', value: 'x', timestampMs: 2_500 },
    ],
    S,
    S,
  );
  log.produce(
    'prices',
    [
      { key: 'p', value: '10', timestampMs: 100 },
      { key: 'p', value: '20', timestampMs: 200 },
    ],
    S,
    S,
  );
  return { name, log };
}

describe('interactive queries of a running instance', () => {
  it('reads key-value, timestamped, window, session and versioned stores through typed views', async () => {
    const { name } = cluster();
    const streams = await start(name, 'one');
    const counts = streams.store<string, number>('counts');
    await waitUntil(() => counts.get('a') === 3 && counts.get('b') === 1, 10_000, 'the counts');
    const timestamped = streams.store(
      StoreQueryParameters.fromNameAndType(
        'counts',
        QueryableStoreTypes.timestampedKeyValueStore<string, number>(),
      ),
    );
    expect(timestamped.get('a')).toEqual({ value: 3, timestampMs: 2_500 });
    const windows = streams.store(
      StoreQueryParameters.fromNameAndType('per-second', QueryableStoreTypes.windowStore<string, number>()),
    );
    expect(windows.fetch('a', 1_000)).toBe(2);
    expect([...windows.fetch('a', 0, 5_000)]).toEqual([
      { key: 1_000, value: 2 },
      { key: 2_000, value: 1 },
    ]);
    expect([...windows.fetchAll(1_000, 1_000)].map((kv) => [kv.key.key, kv.value]).sort()).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    const sessions = streams.store(
      StoreQueryParameters.fromNameAndType('visits', QueryableStoreTypes.sessionStore<string, number>()),
    );
    expect([...sessions.fetch('a')].map((kv) => [kv.key.startMs, kv.key.endMs, kv.value])).toEqual([
      [1_000, 1_050, 2],
      [2_500, 2_500, 1],
    ]);
    const prices = streams.store(
      StoreQueryParameters.fromNameAndType(
        'prices',
        QueryableStoreTypes.versionedKeyValueStore<string, string>(),
      ),
    );
    await waitUntil(() => prices.get('p') !== null, 10_000, 'the prices');
    expect(prices.get('p', 150)).toEqual({ value: '10', timestampMs: 100, validToMs: 200 });
    expect(prices.get('p')).toEqual({ value: '20', timestampMs: 200 });
  });

  it('names what is wrong: an unknown store, a store of another type, an instance not running, a partition elsewhere', async () => {
    const { name } = cluster();
    const streams = await start(name, 'one');
    expect(() => streams.store('nope')).toThrow(UnknownStateStoreError);
    expect(() => streams.store('nope')).toThrow(/its stores are: counts, per-second, prices, visits/);
    expect(() =>
      streams.store(StoreQueryParameters.fromNameAndType('counts', QueryableStoreTypes.windowStore())),
    ).toThrow(InvalidStoreTypeError);
    const one = streams.store(
      StoreQueryParameters.fromNameAndType(
        'counts',
        QueryableStoreTypes.keyValueStore<string, number>(),
      ).withPartition(partitionForKey(Buffer.from('a'), 4)),
    );
    await waitUntil(() => one.get('a') === 3, 10_000, 'the count of a');
    const offline = new KafkaStreams(topology(), {
      applicationId: 'offline',
      bootstrapServers: `memory://${name}`,
    });
    const view = offline.store<string, number>('counts');
    expect(() => view.get('a')).toThrow(StoreNotQueryableError);
    expect(() => view.get('a')).toThrow(/while the instance is CREATED/);
  });

  it('withPartition reads one partition; a partition hosted elsewhere is refused, unless stale stores (standbys) may answer', async () => {
    const { name } = cluster();
    const x = await start(name, 'x', 1);
    const y = await start(name, 'y', 1);
    const partitionOfA = partitionForKey(Buffer.from('a'), 4);
    const owner = () => (x.activeTaskIds().some((t) => t.endsWith(`_${partitionOfA}`)) ? x : y);
    const query = StoreQueryParameters.fromNameAndType(
      'counts',
      QueryableStoreTypes.keyValueStore<string, number>(),
    ).withPartition(partitionOfA);
    await waitUntil(
      () => {
        try {
          return owner().store(query).get('a') === 3;
        } catch {
          return false;
        }
      },
      10_000,
      'the owner answers',
    );
    const other = owner() === x ? y : x;
    expect(() => other.store(query).get('a')).toThrow(
      /partition \d of store counts is not active and restored on this instance/,
    );
    // The other instance keeps a standby of the task: with stale stores it answers too.
    await waitUntil(
      () => {
        try {
          return other.store(query.enableStaleStores()).get('a') === 3;
        } catch {
          return false;
        }
      },
      10_000,
      'the standby answers',
    );
  });

  it("describes its stores, and streams a key-value store's committed changes from its changelog", async () => {
    const { name, log } = cluster();
    const unstarted = new KafkaStreams(topology(), {
      applicationId: 'queries',
      bootstrapServers: `memory://${name}`,
    });
    expect(() => unstarted.changes('counts')).toThrow(StreamsNotStartedError);
    expect(() => unstarted.queryMetadataForKey('counts', 'a', S)).toThrow(StreamsNotStartedError);
    const streams = await start(name, 'one');
    expect(
      streams
        .storeDescriptions()
        .map((d) => [d.name, d.kind, d.partitionCount, d.activePartitions, d.keySerde?.kind]),
    ).toEqual([
      ['counts', 'timestamped-key-value', 4, [0, 1, 2, 3], 'String'],
      ['per-second', 'timestamped-window', 4, [0, 1, 2, 3], 'String'],
      ['prices', 'versioned-key-value', 4, [0, 1, 2, 3], 'String'],
      ['visits', 'session', 4, [0, 1, 2, 3], 'String'],
    ]);
    expect(() => streams.changes('per-second')).toThrow(InvalidStoreTypeError);
    expect(() => streams.changes('nope')).toThrow(UnknownStateStoreError);
    const counts = streams.store<string, number>('counts');
    await waitUntil(() => counts.get('a') === 3, 10_000, 'the counts');

    const events: StoreChangeEvent<string, number>[] = [];
    const subscription = streams
      .changes<string, number>('counts', { key: 'a' })
      .subscribe((e) => events.push(e));
    await waitUntil(() => events.length === 1, 10_000, 'the started event');
    const started = events[0]!;
    expect(started.type).toBe('started');
    log.produce(
      'clicks',
      [
        { key: 'b', value: 'x', timestampMs: 3_000 },
        { key: 'a', value: 'x', timestampMs: 3_100 },
        { key: 'a', value: 'x', timestampMs: 3_200 },
      ],
      S,
      S,
    );
    await waitUntil(() => events.length === 3, 10_000, 'two changes of a');
    subscription.unsubscribe();
    // Exactly the changelog's records of key a from where the subscription started.
    const from = started.type === 'started' ? started.positions[0]! : { partition: -1, offset: -1 };
    const changelog = log
      .read('queries-counts-changelog', S, Serdes.Long())
      .filter((r) => r.key === 'a' && r.partition === from.partition && r.offset >= from.offset);
    expect(changelog.map((r) => r.value)).toEqual([4, 5]);
    expect(events.slice(1)).toEqual(
      changelog.map((r) => ({
        type: 'change',
        key: 'a',
        value: r.value,
        timestampMs: r.timestampMs,
        partition: r.partition,
        offset: r.offset,
      })),
    );
  });
});
