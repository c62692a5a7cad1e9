import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeKafka, kafkaBootstrap } from '../../test/kafka/broker-context.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

// CI runs the broker benchmark on one workload with tiny sizes, so the runner, the Kafka Streams
// peer (built with Maven here), the raw client loop and the batch addon (built with gcc here) cannot rot. The numbers mean nothing.
describeKafka('npm run bench -- --quick', () => {
  it('runs rivulet (batch and per-message data planes, 1 and 2 stream threads), Kafka Streams (1 and 2 threads), the limit and the batch limit on count under both guarantees, all outputs correct, and profiles rivulet', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions',
        'rivulet-source',
        'bench/broker/run.ts',
        '--quick',
        '--profile',
        '--workload',
        'count',
      ],
      { cwd: root, timeout: 600_000, env: { ...process.env, KAFKA_BOOTSTRAP_SERVERS: kafkaBootstrap } },
    );
    for (const guarantee of ['at_least_once', 'exactly_once_v2']) {
      // Every system measured, both ratios present (a failed or wrong run leaves a '–').
      expect(stdout).toMatch(
        new RegExp(
          `\\| count \\| ${guarantee} ${'\\| [\\d,]+ \\([^)]*\\) '.repeat(7)}${'\\| [\\d.]+ \\([^)]*\\) '.repeat(3)}\\|`,
        ),
      );
      // The profiled run's summary: busy share, parts, and a function of the count's record path.
      expect(stdout).toMatch(
        new RegExp(
          `\\| count \\| ${guarantee} \\| \\d+ % \\| [^|]*(state stores|batch data plane)[^|]* \\| \`[^\`]+\` \\d+ % \\|`,
        ),
      );
    }
  }, 600_000);
});
