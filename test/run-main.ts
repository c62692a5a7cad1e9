import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/**
 * Runs `npm start`'s entry point as a child process; resolves with its exit code and output. A
 * child still running after `timeoutMs` is killed (SIGKILL), so no test leaves one behind.
 */
export function runMain(
  args: string[],
  onOutput?: (text: string, child: ReturnType<typeof spawn>) => void,
  timeoutMs = 50_000,
) {
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
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise<{ code: number | null; output: string }>((done) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    }),
  );
}
