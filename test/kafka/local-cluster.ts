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

/** A cluster this test run started itself, whose nodes a fault test may kill and start again. */
export interface OwnedCluster extends LocalCluster {
  /** SIGKILL node `n` (1-based): no clean shutdown, as a crashed broker. */
  killNode(n: number): Promise<void>;
  /** Starts node `n` again on its data; resolves once it has started. */
  startNode(n: number): Promise<void>;
}

/**
 * Starts a cluster with kafka-cluster/start.sh in a folder of its own, so a test run never reuses
 * or stops a cluster somebody started by hand; stop() stops exactly that one and deletes its data.
 */
export async function startLocalCluster(brokers: 1 | 3 = 1): Promise<OwnedCluster> {
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
  const node = async (action: 'kill' | 'start', n: number) => {
    await run('bash', [join(clusterDir, 'node.sh'), action, String(n), '--dir', dir], {
      timeout: 120_000,
    }).catch((err: Error & { stderr?: string }) => {
      throw new Error(`kafka-cluster/node.sh ${action} ${n} failed: ${err.stderr || err.message}`);
    });
  };
  return {
    bootstrap,
    async stop() {
      await run('bash', [join(clusterDir, 'stop.sh'), '--dir', dir, '--clean'], { timeout: 60_000 });
    },
    killNode: (n) => node('kill', n),
    startNode: (n) => node('start', n),
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
