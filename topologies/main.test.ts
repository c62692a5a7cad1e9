import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

/** Runs `npm start`'s entry point as a child process; resolves with its exit code and output. */
function runMain(args: string[], onOutput?: (text: string, child: ReturnType<typeof spawn>) => void) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions', 'rivulet-source', 'topologies/main.ts', ...args],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    onOutput?.(output, child);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise<{ code: number | null; output: string }>((done) =>
    child.on('exit', (code) => done({ code, output })),
  );
}

describe('npm start (the demo job on the embedded log)', () => {
  it('runs, reports sales from the store, and exits 0 after --seconds', async () => {
    const { code, output } = await runMain(['--seconds', '3']);
    expect(output).toContain('Sub-topology: 1');
    expect(output).toMatch(/orders produced: [1-9]\d*/);
    expect(output).toMatch(/keyboard\s+orders\s+\d+/);
    expect(output).toContain('closed cleanly.');
    expect(code).toBe(0);
  }, 60_000);

  it('closes cleanly on Ctrl-C (SIGINT)', async () => {
    let signalled = false;
    const { code, output } = await runMain([], (text, child) => {
      if (!signalled && text.includes('orders produced:')) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    expect(signalled).toBe(true);
    expect(output).toContain('Ctrl-C: stopping');
    expect(output).toContain('closed cleanly.');
    expect(code).toBe(0);
  }, 60_000);

  it('rejects a bad argument with its usage', async () => {
    for (const args of [['--seconds', 'soon'], ['--seconds=-1'], ['--instances', '0'], ['--bogus']]) {
      const { code, output } = await runMain(args);
      expect(output, args.join(' ')).toContain('usage: npm start');
      expect(code, args.join(' ')).toBe(2);
    }
  }, 60_000);
});
