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

/**
 * The kill -9 tests' shape: child instances `ids` of `app`, input in `kills + 1` batches, and after
 * each batch but the last one instance (in turn) killed with SIGKILL and started again. `finish`
 * then checks the outputs; no instance may have failed. On failure every instance's last log
 * lines are printed, so CI shows the cause.
 */
export async function withKills(options: {
  readonly args: readonly string[];
  readonly app: string;
  readonly ids: readonly string[];
  readonly kills: number;
  produceBatch(batch: number): Promise<void>;
  /** How long after a batch the kill comes (ms). */
  killAfterMs(): number;
  finish(): Promise<void>;
}): Promise<void> {
  const start = (id: string) => startChild(options.args, id, options.app);
  const instances: ChildInstance[] = options.ids.map(start);
  const running = () =>
    waitFor(
      'every instance RUNNING',
      () => instances.every((i) => i.output.includes('STATE RUNNING')),
      90_000,
    );
  try {
    await running();
    for (let batch = 0; batch <= options.kills; batch++) {
      await options.produceBatch(batch);
      if (batch === options.kills) break;
      await new Promise((r) => setTimeout(r, options.killAfterMs()));
      const victim = batch % instances.length;
      const old = instances[victim]!;
      await kill(old);
      instances[victim] = start(old.id);
      await running();
    }
    await options.finish();
    for (const i of instances)
      if (i.output.includes('STATE ERROR'))
        throw new Error(`instance ${i.id} failed:\n${i.output.slice(-4_000)}`);
  } catch (error) {
    for (const i of instances) console.log(`--- ${i.id}:\n${i.output.split('\n').slice(-40).join('\n')}`);
    throw error;
  } finally {
    await Promise.all(instances.map(kill));
  }
}
