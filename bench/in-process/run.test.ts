import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

describe('bench/in-process runner', () => {
  it('--quick runs workloads both ways, checks their output and prints the table', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions',
        'rivulet-source',
        'bench/in-process/run.ts',
        '--quick',
        '--workload',
        'windowed-count,repartition-count',
      ],
      { cwd: root, timeout: 60_000 },
    );
    expect(stdout).toMatch(/\| repartition-count \| memory:\/\/ \| [\d,]+ \| [\d,]+ \|/);
    expect(stdout).toMatch(/\| repartition-count \| TopologyTestDriver \| [\d,]+ \| [\d,]+ \|/);
    expect(stdout).toMatch(/\| windowed-count \| memory:\/\/ \| [\d,]+ \| [\d,]+ \|/);
  }, 60_000);

  it('names the workloads when given an unknown one', async () => {
    await expect(
      run(
        process.execPath,
        [
          '--import',
          'tsx',
          '--conditions',
          'rivulet-source',
          'bench/in-process/run.ts',
          '--quick',
          '--workload',
          'nope',
        ],
        { cwd: root },
      ),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        "unknown workload 'nope': one of passthrough, stateless, count, windowed-count, stream-table-join, repartition-count",
      ),
    });
  }, 60_000);
});
