import { afterEach, describe, expect, it } from 'vitest';
import {
  Consumed,
  EmbeddedLog,
  Grouped,
  KafkaStreams,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
} from '../../index.js';
import { waitUntil } from './wait-until.js';

const S = Serdes.String();
const L = Serdes.Long();
const instances: KafkaStreams[] = [];

afterEach(async () => {
  await Promise.all(instances.splice(0).map((i) => i.close()));
});

function wordCount() {
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>('lines', Consumed.with(S, S))
    .flatMapValues((line) => line.split(' '))
    .groupBy((_k, word) => word, Grouped.with(S, S))
    .count(Materialized.as('word-counts'))
    .toStream()
    .to('word-counts-out', Produced.with(S, L));
  return builder.build();
}

describe('KafkaStreams on the embedded log', () => {
  it('runs a repartitioning count end to end and commits', async () => {
    const cluster = `runtime-${Date.now()}`;
    const log = EmbeddedLog.named(cluster).createTopic('lines', 3).createTopic('word-counts-out', 3);
    const streams = new KafkaStreams(wordCount(), {
      applicationId: 'wc',
      bootstrapServers: `memory://${cluster}`,
      commitIntervalMs: 50,
    });
    instances.push(streams);
    const states: string[] = [];
    streams.setStateListener((next) => states.push(next));
    await streams.start();
    await streams.waitForState('RUNNING');
    expect(log.topics()).toEqual(
      expect.arrayContaining(['wc-word-counts-changelog', 'wc-word-counts-repartition']),
    );
    expect(log.partitionCount('wc-word-counts-repartition')).toBe(3);
    log.produce(
      'lines',
      [
        { key: '1', value: 'a b a' },
        { key: '2', value: 'b c' },
      ],
      S,
      S,
    );
    await waitUntil(() => {
      const latest = new Map(log.read('word-counts-out', S, L).map((r) => [r.key, r.value]));
      return latest.get('a') === 2 && latest.get('b') === 2 && latest.get('c') === 1;
    });
    expect(streams.store<string, number>('word-counts').get('a')).toBe(2);
    expect(await streams.close()).toBe(true);
    expect(states).toEqual(['REBALANCING', 'RUNNING', 'PENDING_SHUTDOWN', 'NOT_RUNNING']);
  });

  it('refuses to start without its source and output topics, naming them', async () => {
    const streams = new KafkaStreams(wordCount(), {
      applicationId: 'wc',
      bootstrapServers: `memory://empty-${Date.now()}`,
    });
    await expect(streams.start()).rejects.toThrow(
      /source topic\(s\) lines and output topic\(s\) word-counts-out do not exist/,
    );
    expect(streams.state()).toBe('ERROR');
  });

  it('refuses an internal topic with the wrong partition count', async () => {
    const cluster = `wrong-${Date.now()}`;
    EmbeddedLog.named(cluster)
      .createTopic('lines', 2)
      .createTopic('word-counts-out', 2)
      .createTopic('wc-word-counts-changelog', 5);
    const streams = new KafkaStreams(wordCount(), {
      applicationId: 'wc',
      bootstrapServers: `memory://${cluster}`,
    });
    await expect(streams.start()).rejects.toThrow(/wc-word-counts-changelog has 5, needs 2/);
  });

  it('rejects bad config with the key named', () => {
    expect(
      () => new KafkaStreams(wordCount(), { applicationId: 'bad id', bootstrapServers: 'memory://x' }),
    ).toThrow(/config applicationId/);
    expect(
      () =>
        new KafkaStreams(wordCount(), {
          applicationId: 'a',
          bootstrapServers: 'memory://x',
          processingGuarantee: 'exactly_once' as never,
        }),
    ).toThrow(/processingGuarantee/);
  });
});

describe('serdes of user-facing topics', () => {
  it('start() rejects a source or sink of a user topic without serdes, naming the node, the topic and the fix', async () => {
    const cluster = `no-serde-${Date.now()}`;
    EmbeddedLog.named(cluster).createTopic('in', 1).createTopic('out', 1);
    const builder = new StreamsBuilder();
    // The repartition topic between them needs no serde: it takes the internal one.
    builder
      .stream<string, string>('in', Consumed.with(S, S))
      .groupBy((_k, v) => v)
      .count()
      .toStream()
      .to('out');
    const streams = new KafkaStreams(builder.build(), {
      applicationId: 'no-serde',
      bootstrapServers: `memory://${cluster}`,
    });
    await expect(streams.start()).rejects.toThrow(
      /sink KSTREAM-SINK-\d+ \(topic out\) has no key serde: pass Produced.with\(keySerde, valueSerde\) or set defaultKeySerde in the config/,
    );
    expect(streams.state()).toBe('ERROR');
  });
});
