import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeKafka, kafkaBootstrap } from '../../test/kafka/broker-context.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

// CI runs the shop benchmark with a few hundred orders on one instance, under both guarantees, so
// the runner and its instance processes cannot rot. The numbers mean nothing.
describeKafka('npm run bench:shop -- --quick', () => {
  it('measures orders/s and the latency placed → confirmed under both guarantees, every order confirmed', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--conditions', 'rivulet-source', 'bench/shop/run.ts', '--quick'],
      { cwd: root, timeout: 300_000, env: { ...process.env, KAFKA_BOOTSTRAP_SERVERS: kafkaBootstrap } },
    );
    for (const guarantee of ['at_least_once', 'exactly_once_v2'])
      expect(stdout).toMatch(
        new RegExp(`\\| ${guarantee} \\| 1 \\| [1-9]\\d* \\| [1-9]\\d* \\| [1-9]\\d* \\| [1-9]\\d* \\|`),
      );
  }, 300_000);
});
