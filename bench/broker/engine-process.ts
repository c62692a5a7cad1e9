import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { type AppArgs, READY_LINE } from './apps/app-args.js';
import { type EngineId, engineCommand } from './engines.js';

/** Starts an engine process; resolves the `ready` promise when it prints READY_LINE. */
export function startEngine(
  engine: EngineId,
  args: AppArgs,
  logFile: string,
  nodeFlags: readonly string[] = [],
): { child: ChildProcess; ready: Promise<void> } {
  const { command, args: argv } = engineCommand(engine, args, `${logFile}.gc`, nodeFlags);
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  child.stderr!.pipe(log);
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (chunk.toString().includes(READY_LINE)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`${engine} exited with code ${code} before it was ready`)));
  });
  ready.catch(() => {});
  return { child, ready };
}

/** SIGTERM, then SIGKILL after 15 s. */
export async function stopEngine(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
