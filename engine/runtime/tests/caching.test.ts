import { describe, expect, it } from 'vitest';
import {
  Consumed,
  EmbeddedLog,
  KafkaStreams,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
} from '../../index.js';
import { waitUntil } from './wait-until.js';

const S = Serdes.String();
const L = Serdes.Long();
let seq = 0;

async function countUpdates(materialized: Materialized<string, number>, cacheMaxBytes?: number) {
  const cluster = `caching-${seq++}`;
  const log = EmbeddedLog.named(cluster).createTopic('in', 1).createTopic('out', 1);
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>('in', Consumed.with(S, S))
    .groupByKey()
    .count(materialized)
    .toStream()
    .to('out', Produced.with(S, L));
  const streams = new KafkaStreams(builder.build(), {
    applicationId: 'caching',
    bootstrapServers: `memory://${cluster}`,
    commitIntervalMs: 60_000, // only the close commits
    ...(cacheMaxBytes === undefined ? {} : { cacheMaxBytes }),
  });
  await streams.start();
  await streams.waitForState('RUNNING');
  log.produce(
    'in',
    Array.from({ length: 50 }, () => ({ key: 'k', value: 'v' })),
    S,
    S,
  );
  await waitUntil(() => streams.store<string, number>('counts').get('k') === 50, 5_000, 'all 50 counted');
  await streams.close();
  return {
    downstream: log.read('out', S, L).map((r) => r.value),
    changelog: log.read('caching-counts-changelog', S, L).map((r) => r.value),
  };
}

describe('record cache', () => {
  it('collapses N updates to a key between commits into 1 downstream record and 1 changelog record', async () => {
    const { downstream, changelog } = await countUpdates(Materialized.as('counts'));
    expect(downstream).toEqual([50]);
    expect(changelog).toEqual([50]);
  });

  it('withCachingDisabled() emits all N', async () => {
    const { downstream, changelog } = await countUpdates(
      Materialized.as<string, number>('counts').withCachingDisabled(),
    );
    expect(downstream).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(changelog).toHaveLength(50);
  });

  it('cacheMaxBytes: 0 turns caching off for the whole instance', async () => {
    const { downstream } = await countUpdates(Materialized.as('counts'), 0);
    expect(downstream).toHaveLength(50);
  });
});
