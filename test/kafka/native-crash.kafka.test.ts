import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeKafka } from './broker-context.js';
import { startLocalCluster } from './local-cluster.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

// Regression: the binding's ListConsumerGroupOffsets crashed the process (SIGSEGV) when the answer
// carried a group error, as it does on a broker that has only just started: `npm run bench` died
// with exit code 139 on its first run against a fresh broker. The committed offsets are now read
// through a consumer that never joins the group.
describeKafka('native client crash regressions', () => {
  it('committed offsets of a group, asked of a broker that has just started, answer instead of crashing', {
    timeout: 180_000,
  }, async () => {
    const cluster = await startLocalCluster(1);
    try {
      const child = await run(
        process.execPath,
        ['--import', 'tsx', 'test/kafka/apps/committed-offsets-app.ts', cluster.bootstrap],
        { cwd: root, timeout: 120_000 },
      ).catch((err: Error & { code?: number; signal?: string; stdout?: string }) => {
        throw new Error(`the child died (code ${err.code}, signal ${err.signal}): ${err.stdout}`);
      });
      expect(child.stdout).toMatch(/^OFFSETS \[\{"topic":"no-such-topic","partition":0,"offset":-1\}\]$/m);
    } finally {
      await cluster.stop();
    }
  });
});
