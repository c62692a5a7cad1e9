import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AppArgs } from './apps/app-args.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PEER = resolve(ROOT, 'bench/peers/kafka-streams-java');
const PEER_JAR = resolve(PEER, 'target/kafka-streams-peer-1.jar');

/**
 * The systems side by side: rivulet (on the batch data plane; and on the per-message client it
 * replaced), Kafka Streams (one thread; two, reported apart), the raw per-message client limit, and
 * the batch limit (bench/broker/batch-addon: consume → produce a whole batch per native call).
 */
export const ENGINES = [
  'rivulet',
  'kafka-streams',
  'limit',
  'limit-batch',
  'rivulet-per-message',
  'kafka-streams-2t',
  'rivulet-2t',
] as const;
export type EngineId = (typeof ENGINES)[number];

export const ENGINE_LABELS: Record<EngineId, string> = {
  rivulet: 'rivulet',
  'rivulet-per-message': 'rivulet (per-message client)',
  'kafka-streams': 'Kafka Streams (1 thread)',
  limit: 'raw client limit',
  'limit-batch': 'batch limit (prototype addon)',
  'kafka-streams-2t': 'Kafka Streams (2 threads)',
  'rivulet-2t': 'rivulet (2 stream threads)',
};

/** The JVM and Node settings every run uses (recorded in the results). */
export const JVM_OPTIONS = ['-Xms1g', '-Xmx1g', '-XX:+AlwaysPreTouch', '-XX:ActiveProcessorCount=2'];
export const NODE_OPTIONS = ['--max-old-space-size=1024'];
/** Extra flags for the Node engines, e.g. BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile them. */
const EXTRA_NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

function flags(args: AppArgs): string[] {
  return [
    '--workload',
    args.workload,
    '--guarantee',
    args.guarantee,
    '--application-id',
    args.applicationId,
    '--bootstrap',
    args.bootstrap,
    '--input',
    args.input,
    '--output',
    args.output,
    ...(args.table ? ['--table', args.table] : []),
    '--state-dir',
    args.stateDir,
    '--commit-interval-ms',
    String(args.commitIntervalMs),
  ];
}

/** The command that runs one engine on one workload, as a process of its own. */
export function engineCommand(
  engine: EngineId,
  args: AppArgs,
  gcLog: string,
  nodeFlags: readonly string[] = [],
): { command: string; args: string[] } {
  const node = (app: string, extra: string[] = []) => ({
    command: process.execPath,
    args: [
      ...NODE_OPTIONS,
      ...EXTRA_NODE_FLAGS,
      ...nodeFlags,
      '--conditions',
      'rivulet-source',
      '--import',
      'tsx',
      resolve(import.meta.dirname, 'apps', app),
      ...flags(args),
      ...extra,
    ],
  });
  switch (engine) {
    case 'rivulet':
      return node('rivulet-app.ts', ['--data-plane', 'batch']);
    case 'rivulet-2t':
      return node('rivulet-app.ts', ['--data-plane', 'batch', '--threads', '2']);
    case 'rivulet-per-message':
      return node('rivulet-app.ts', ['--data-plane', 'per-message']);
    case 'limit':
      return node('limit-app.ts');
    case 'limit-batch':
      return node('limit-batch-app.ts');
    case 'kafka-streams':
    case 'kafka-streams-2t':
      return {
        command: 'java',
        args: [
          ...JVM_OPTIONS,
          `-Xlog:gc*:file=${gcLog}`,
          '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
          '-cp',
          `${PEER_JAR}:${PEER}/target/libs/*`,
          'rivulet.bench.PeerApp',
          ...flags(args),
          '--threads',
          engine === 'kafka-streams-2t' ? '2' : '1',
        ],
      };
  }
}

/** Builds the Kafka Streams peer with Maven when its jar is missing or older than its sources. */
export function buildJavaPeer(): void {
  const sources = [resolve(PEER, 'pom.xml'), resolve(PEER, 'src/main/java/rivulet/bench/PeerApp.java')];
  if (existsSync(PEER_JAR) && sources.every((s) => statSync(s).mtimeMs < statSync(PEER_JAR).mtimeMs)) return;
  process.stderr.write('bench: building the Kafka Streams peer (mvn package) ...\n');
  execFileSync(
    'mvn',
    [
      '-q',
      '-B',
      'package',
      'dependency:copy-dependencies',
      '-DoutputDirectory=target/libs',
      '-DincludeScope=runtime',
    ],
    { cwd: PEER, stdio: 'inherit' },
  );
}
