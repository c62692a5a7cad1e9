import { Consumed, KafkaStreams, Produced, Serdes, StreamsBuilder } from 'rivulet';
import { expect, it } from 'vitest';
import { type LoggedLine, recordingLogger } from '../recording-logger.js';
import { kafkaCluster } from '../scenarios/test-cluster.js';
import { describeKafka, kafkaBootstrap, uniqueName } from './broker-context.js';

// Start-up errors on Kafka name what is wrong, and the instance logs why it moved to ERROR.
const S = Serdes.String();

describeKafka('start-up errors on Kafka', () => {
  it('refuses to start when an output topic does not exist, naming it', async () => {
    const cluster = kafkaCluster(kafkaBootstrap);
    const name = uniqueName('no-sink');
    await cluster.createTopic(`${name}-in`, 1);
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>(`${name}-in`, Consumed.with(S, S))
      .to(`${name}-missing`, Produced.with(S, S));
    const lines: LoggedLine[] = [];
    const logger = recordingLogger(lines);
    const streams = new KafkaStreams(builder.build(), {
      applicationId: name,
      bootstrapServers: kafkaBootstrap,
      logger,
    });
    try {
      await expect(streams.start()).rejects.toThrow(`output topic(s) ${name}-missing do not exist`);
      expect(streams.state()).toBe('ERROR');
      expect(lines.map((l) => `${l.level} ${l.msg}`).join('\n')).toMatch(
        new RegExp(`error the instance failed .*output topic\\(s\\) ${name}-missing`),
      );
    } finally {
      await streams.close();
      await cluster.close();
    }
  });

  it('a bootstrap server that cannot be reached is named in the error', { timeout: 90_000 }, async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in', Consumed.with(S, S)).foreach(() => {});
    const lines: LoggedLine[] = [];
    const streams = new KafkaStreams(builder.build(), {
      applicationId: uniqueName('bad-host'),
      bootstrapServers: 'no-such-host.invalid:9092',
      logger: recordingLogger(lines),
    });
    await expect(streams.start()).rejects.toThrow(
      'reaching the Kafka cluster at no-such-host.invalid:9092 (bootstrapServers)',
    );
    expect(lines.map((l) => `${l.level} ${l.msg}`).join('\n')).toMatch(
      /error the instance failed .*no-such-host\.invalid:9092/,
    );
    await streams.close();
  });
});
