import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../test/free-port.js';

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
    const { code, output } = await runMain(['--seconds', '3', '--port', String(await freePort())]);
    expect(output).toContain('Sub-topology: 1');
    expect(output).toMatch(/orders produced: [1-9]\d*/);
    expect(output).toMatch(/keyboard\s+orders\s+\d+/);
    expect(output).toContain('closed cleanly.');
    expect(code).toBe(0);
  }, 60_000);

  it('closes cleanly on Ctrl-C (SIGINT)', async () => {
    let signalled = false;
    const { code, output } = await runMain(['--port', String(await freePort())], (text, child) => {
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

  it('prints the query URLs, and they answer from every instance', async () => {
    const port = await freePort();
    let checked: Promise<void> | undefined;
    const { code, output } = await runMain(['--port', String(port)], (text, child) => {
      if (checked || !/orders produced: [1-9]/.test(text)) return;
      checked = (async () => {
        const url = /(http:\/\/127\.0\.0\.1:\d+\/stores\/[\w-]+\/keys\/keyboard)\s/.exec(text)![1]!;
        const answer = (await (await fetch(url)).json()) as { key: string; value: { orders: number } };
        expect(answer.key).toBe('keyboard');
        expect(answer.value.orders).toBeGreaterThan(0);
        // The second instance (next port) answers the same key, forwarding it if it lives on the first.
        const other = url.replace(`:${port}/`, `:${port + 1}/`);
        expect(((await (await fetch(other)).json()) as { key: string }).key).toBe('keyboard');
        const entries = (await (await fetch(url.replace(/keys\/keyboard$/, 'entries'))).json()) as {
          entries: unknown[];
        };
        expect(entries.entries.length).toBeGreaterThan(1);
      })().finally(() => child.kill('SIGINT'));
    });
    await checked;
    expect(output).toContain(`http://127.0.0.1:${port}/docs`);
    expect(output).toContain('closed cleanly.');
    expect(code).toBe(0);
  }, 60_000);

  it('rejects a bad argument with its usage', async () => {
    for (const args of [
      ['--seconds', 'soon'],
      ['--seconds=-1'],
      ['--instances', '0'],
      ['--port', '80'],
      ['--bogus'],
    ]) {
      const { code, output } = await runMain(args);
      expect(output, args.join(' ')).toContain('usage: npm start');
      expect(code, args.join(' ')).toBe(2);
    }
  }, 60_000);
});
