import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const SOURCE = resolve(import.meta.dirname, 'batch_addon.c');
const BUILT = resolve(import.meta.dirname, 'build/batch_addon.node');

/** A librdkafka client handle. */
export type Handle = { readonly __handle: unique symbol };

/** The prototype's calls (batch_addon.c documents each). */
export interface BatchAddon {
  create(kind: 'consumer' | 'producer', config: string[]): Handle;
  subscribe(consumer: Handle, topic: string): void;
  consume(consumer: Handle, max: number, timeoutMs: number): [Buffer, Int32Array, Float64Array, number];
  produce(
    producer: Handle,
    topic: string,
    data: Buffer,
    index: Int32Array,
    meta: Float64Array,
    from: number,
    count: number,
  ): number;
  poll(producer: Handle, timeoutMs: number): void;
  flush(producer: Handle, timeoutMs: number): void;
  commit(consumer: Handle, topic: string, partitions: number[], offsets: number[]): void;
  transaction(producer: Handle, step: 'init' | 'begin' | 'commit', timeoutMs: number): void;
  sendOffsets(
    producer: Handle,
    consumer: Handle,
    topic: string,
    partitions: number[],
    offsets: number[],
    timeoutMs: number,
  ): void;
  close(handle: Handle, isConsumer: boolean): void;
}

/**
 * Compiles the prototype with gcc when it is missing or older than its source: against the
 * librdkafka that @confluentinc/kafka-javascript built (same version, same system libraries) and the
 * headers of the running Node.
 */
export function buildBatchAddon(): void {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs > statSync(SOURCE).mtimeMs) return;
  const deps = resolve(dirname(require.resolve('@confluentinc/kafka-javascript/package.json')), 'build/deps');
  const nodeHeaders = resolve(process.execPath, '../../include/node');
  for (const [what, path] of [
    [
      "librdkafka from @confluentinc/kafka-javascript's build (npm install builds it)",
      resolve(deps, 'librdkafka.so.1'),
    ],
    ["Node's headers (they come with Node)", resolve(nodeHeaders, 'node_api.h')],
  ] as const)
    if (!existsSync(path)) throw new Error(`bench: the batch addon needs ${what}; ${path} is missing`);
  mkdirSync(dirname(BUILT), { recursive: true });
  process.stderr.write('bench: building the batch addon (gcc) ...\n');
  execFileSync(
    'gcc',
    [
      '-O2',
      '-shared',
      '-fPIC',
      '-Wall',
      '-Werror',
      '-DNODE_GYP_MODULE_NAME=batch_addon',
      `-I${nodeHeaders}`,
      `-I${resolve(deps, 'include')}`,
      '-o',
      BUILT,
      SOURCE,
      `-L${deps}`,
      '-l:librdkafka.so.1',
      `-Wl,-rpath,${deps}`,
    ],
    { stdio: 'inherit' },
  );
}

/** The built prototype (buildBatchAddon first). */
export function loadBatchAddon(): BatchAddon {
  return require(BUILT) as BatchAddon;
}
