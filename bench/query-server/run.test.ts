import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

describe('bench/query-server runner', () => {
  it('--quick loads local and forwarded key lookups with autocannon and prints the table', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--conditions', 'rivulet-source', 'bench/query-server/run.ts', '--quick'],
      { cwd: root, timeout: 60_000 },
    );
    // Requests were answered (a whole number > 0 per second) and none failed.
    expect(stdout).toMatch(/\| local \| [1-9][\d,]* \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| 0 \|/);
    expect(stdout).toMatch(/\| forwarded \| [1-9][\d,]* \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| 0 \|/);
  }, 60_000);
});
