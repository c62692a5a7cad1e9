import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** An instance of one of test/kafka/apps/ in a child process, with everything it printed. */
export interface ChildInstance {
  readonly id: string;
  readonly child: ChildProcess;
  output: string;
}

export function startChild(args: readonly string[], id: string, app = 'eos-app.ts'): ChildInstance {
  const [bootstrap, appId, ...rest] = args;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions',
      'rivulet-source',
      `test/kafka/apps/${app}`,
      bootstrap!,
      appId!,
      id,
      ...rest,
    ],
    // As docs/operations.md asks of an instance on Kafka: enough libuv workers for librdkafka's calls.
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, UV_THREADPOOL_SIZE: '16' } },
  );
  const instance: ChildInstance = { id, child, output: '' };
  const collect = (chunk: Buffer) => {
    instance.output += chunk.toString();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  return instance;
}

/** The numbers an instance printed as `RESTORED <n>`, in order. */
export function restoredCounts(instance: ChildInstance): number[] {
  return [...instance.output.matchAll(/^RESTORED (\d+)$/gm)].map((m) => Number(m[1]));
}

export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function kill(instance: ChildInstance): Promise<void> {
  // A process killed by a signal has no exit code but a signal code.
  if (instance.child.exitCode !== null || instance.child.signalCode !== null) return;
  instance.child.kill('SIGKILL');
  await new Promise((r) => instance.child.once('exit', r));
}
