import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const clusterDir = resolve(import.meta.dirname, '../../kafka-cluster');

export interface LocalCluster {
  bootstrap: string;
  stop(): Promise<void>;
}

/**
 * Starts a cluster with kafka-cluster/start.sh in a folder of its own, so a test run never reuses
 * or stops a cluster somebody started by hand; stop() stops exactly that one and deletes its data.
 */
export async function startLocalCluster(brokers: 1 | 3 = 1): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), `rivulet-kafka-${brokers}-`));
  const started = await run(
    'bash',
    [join(clusterDir, 'start.sh'), '--brokers', String(brokers), '--dir', dir],
    {
      timeout: 5 * 60_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  ).catch((err: Error & { stderr?: string }) => {
    throw new Error(`kafka-cluster/start.sh --brokers ${brokers} failed: ${err.stderr || err.message}`);
  });
  process.stderr.write(started.stderr);
  const bootstrap = started.stdout.trim().split('\n').pop() ?? '';
  return {
    bootstrap,
    async stop() {
      await run('bash', [join(clusterDir, 'stop.sh'), '--dir', dir, '--clean'], { timeout: 60_000 });
    },
  };
}

/** The broker version pinned in kafka-cluster/pom.xml. */
export async function pinnedKafkaVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pom = await readFile(join(clusterDir, 'pom.xml'), 'utf8');
  return /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1] ?? 'unknown';
}

/** True when Java and Maven are on the PATH, which kafka-cluster/ needs. */
export async function canRunLocalCluster(): Promise<boolean> {
  try {
    await run('java', ['-version']);
    await run('mvn', ['-v']);
    return true;
  } catch {
    return false;
  }
}
