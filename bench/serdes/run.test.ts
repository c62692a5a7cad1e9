import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

describe('bench/serdes runner', () => {
  it('--quick measures every format against a real registry, checks the output and prints the table', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--conditions', 'rivulet-source', 'bench/serdes/run.ts', '--quick'],
      { cwd: root, timeout: 170_000, env: { ...process.env, RIVULET_LOG_LEVEL: 'warn' } },
    );
    for (const format of [
      'JSON \\(Serdes.Json\\)',
      'Avro \\(Serdes.Avro\\)',
      'Avro \\+ registry',
      'JSON Schema \\+ registry',
    ])
      expect(stdout).toMatch(
        new RegExp(`\\| ${format} \\| \\d+ \\| [\\d,]+ \\| [\\d,]+ \\| [\\d,]+ \\| [\\d,]+ \\| \\d+ \\|`),
      );
  }, 180_000);
});
