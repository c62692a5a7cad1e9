import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const RUN_DIR = resolve(ROOT, 'bench/.broker');

export interface Broker {
  readonly bootstrap: string;
  /** The broker's JVM, for its CPU; null when the broker is not ours to see. */
  readonly pid: number | null;
  stop(): void;
}

/**
 * The benchmark's broker: KAFKA_BOOTSTRAP_SERVERS when set, else kafka-cluster/start.sh in
 * bench/.broker with a 1 GB heap (reused when it already runs there; group.initial.rebalance.delay.ms
 * is 0 in the template). `keep` leaves a broker this started running for the next invocation.
 */
export function ensureBroker(keep: boolean): Broker {
  const given = process.env.KAFKA_BOOTSTRAP_SERVERS;
  if (given) {
    let pid: number | null = null;
    try {
      pid = Number(execFileSync('pgrep', ['-f', '-o', 'kafka.Kafka']).toString().trim()) || null;
    } catch {
      pid = null;
    }
    return { bootstrap: given, pid, stop: () => {} };
  }
  const bootstrap = execFileSync('bash', [resolve(ROOT, 'kafka-cluster/start.sh'), '--dir', RUN_DIR], {
    env: { ...process.env, KAFKA_HEAP_OPTS: '-Xms1g -Xmx1g' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .toString()
    .trim()
    .split('\n')
    .pop()!;
  const pid = Number(readFileSync(resolve(RUN_DIR, 'pids'), 'utf8').split('\n')[0]);
  return {
    bootstrap,
    pid,
    stop: () => {
      if (!keep)
        execFileSync('bash', [resolve(ROOT, 'kafka-cluster/stop.sh'), '--dir', RUN_DIR], {
          stdio: 'inherit',
        });
    },
  };
}
