import { describe, expect, it } from 'vitest';
import { ConfigError, createTopics, KafkaStreams, StreamsBuilder } from '../../index.js';

// numStreamThreads > 1 runs stream threads in workers, which need what a worker can load: the
// application from a module, Kafka (not the embedded log); a config it cannot run is refused at
// start, naming the setting and the fix. (The threads themselves: test/kafka/stream-threads.kafka.test.ts.)

const APP = new URL('./fixtures/threads-app.ts', import.meta.url);

function topology() {
  const builder = new StreamsBuilder();
  builder.stream<string, string>('in').to('out');
  return builder.build();
}

describe('numStreamThreads', () => {
  it('must be a whole number of at least 1', () => {
    for (const bad of [0, 1.5, '2'])
      expect(
        () =>
          new KafkaStreams(topology(), {
            applicationId: 'a',
            bootstrapServers: 'memory://threads',
            numStreamThreads: bad as number,
          }),
      ).toThrow(/config numStreamThreads: must be a whole number >= 1/);
  });

  it('above 1 needs KafkaStreams.fromModule', async () => {
    const streams = new KafkaStreams(topology(), {
      applicationId: 'a',
      bootstrapServers: '127.0.0.1:9092',
      numStreamThreads: 2,
    });
    const started = streams.start();
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(/create the instance with KafkaStreams\.fromModule/);
    expect(streams.state()).toBe('ERROR');
  });

  it('above 1 needs Kafka: the embedded log lives in one thread', async () => {
    const streams = await KafkaStreams.fromModule(APP, {
      bootstrapServers: 'memory://threads-config',
      numStreamThreads: 2,
    });
    await expect(streams.start()).rejects.toThrow(
      /the embedded log memory:\/\/threads-config lives in one thread/,
    );
  });

  it('fromModule names a module without a factory, and parameters that cannot reach a worker', async () => {
    await expect(
      KafkaStreams.fromModule(new URL('./fixtures/not-an-app.ts', import.meta.url)),
    ).rejects.toThrow(
      /the module's default export must be a function \(parameters\) => \{ topology, config \}/,
    );
    await expect(KafkaStreams.fromModule(APP, { bootstrapServers: 'x', extract: () => 1 })).rejects.toThrow(
      /the parameters must be plain data/,
    );
  });

  it('fromModule with one thread runs the module in this thread', async () => {
    await createTopics('memory://threads-one', [
      { name: 'threads-in', partitions: 1 },
      { name: 'threads-out', partitions: 1 },
    ]);
    const streams = await KafkaStreams.fromModule(APP, {
      bootstrapServers: 'memory://threads-one',
      numStreamThreads: 1,
    });
    await streams.start();
    await streams.waitForState('RUNNING');
    expect(streams.metadataForLocalThreads().map((t) => t.activeTasks)).toEqual([['0_0']]);
    await streams.close();
  });
});
