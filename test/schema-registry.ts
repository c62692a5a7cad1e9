import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);
const registryDir = resolve(import.meta.dirname, '../kafka-cluster/schema-registry');

/** A Confluent-compatible schema registry for a test file. */
export interface RunningRegistry {
  /** Base URL of the Confluent API (`…/apis/ccompat/v7`). */
  url: string;
  /** Base URL of the registry's own server (Apicurio's native API lies under `/apis/registry/v3`). */
  serverUrl: string;
  stop(): Promise<void>;
}

/**
 * A real Apicurio Registry (in-memory storage) on a free 127.0.0.1 port, started from the jars
 * kafka-cluster/schema-registry/fetch.sh downloads; or SCHEMA_REGISTRY_SERVER_URL if set. No
 * registry is a failure naming the fix, never a skip.
 */
export async function startSchemaRegistry(): Promise<RunningRegistry> {
  const external = process.env.SCHEMA_REGISTRY_SERVER_URL;
  if (external) return { url: `${external}/apis/ccompat/v7`, serverUrl: external, stop: async () => {} };

  const [home, java] = await Promise.all([script('fetch.sh'), script('find-java.sh')]);
  const port = await freePort();
  const logFile = join(mkdtempSync(join(tmpdir(), 'rivulet-registry-')), 'registry.log');
  const child = spawn(
    java,
    [
      '-Xms64m',
      '-Xmx384m',
      `-Dquarkus.http.port=${port}`,
      '-Dquarkus.http.host=127.0.0.1',
      '-Dquarkus.management.enabled=false',
      '-Dquarkus.log.level=WARN',
      '-jar',
      'quarkus-run.jar',
    ],
    { cwd: home, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = createWriteStream(logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const serverUrl = `http://127.0.0.1:${port}`;
  const stop = () => stopProcess(child);
  try {
    await waitUntilServing(`${serverUrl}/apis/ccompat/v7/subjects`, child, logFile);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `${serverUrl}/apis/ccompat/v7`, serverUrl, stop };
}

async function script(name: string): Promise<string> {
  const path = join(registryDir, name);
  const { stdout } = await run('bash', [path], { timeout: 10 * 60_000 }).catch(
    (err: Error & { stderr?: string }) => {
      throw new Error(`kafka-cluster/schema-registry/${name} failed: ${err.stderr || err.message}`);
    },
  );
  return stdout.trim().split('\n').pop() ?? '';
}

async function waitUntilServing(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the schema registry exited with ${child.exitCode}:\n${tail(logFile)}`);
    }
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the schema registry did not answer ${url} within 120 s:\n${tail(logFile)}`);
}

function tail(logFile: string): string {
  return readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
