import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { StateRestoreListener } from '../../../state-stores/restore-listener.js';
import { ClientFatalError, StreamsError } from '../../errors.js';
import type {
  HostedTask,
  InstanceMessage,
  Metrics,
  ThreadError,
  ThreadMessage,
  ThreadWorkerData,
} from './thread-protocol.js';
import { ThreadQueryChannel } from './thread-queries.js';

export interface ThreadEvents {
  /** A thread's group is rebalancing. */
  onRebalancing(): void;
  /** A thread has its tasks (restored) after a rebalance; `hostedTasks()` has them. */
  onAssigned(): void;
  readonly restoreListener: StateRestoreListener;
  /**
   * A thread ended with an error (or its worker exited); it is gone, `replace(index)` starts another.
   * `replaceable` is false when it failed while starting: another would fail the same way.
   */
  onDied(index: number, error: Error, replaceable: boolean): void;
}

interface RunningThread {
  readonly worker: Worker;
  readonly queries: ThreadQueryChannel;
  /** Its tasks as of its last assignment; null while it rebalances. */
  tasks: readonly HostedTask[] | null;
  /** Settles when the worker has exited. */
  readonly exited: Promise<void>;
  ended: boolean;
}

// The worker's entry: the built .js next to this file, or the TypeScript source (run through tsx).
const ENTRY_JS = new URL('./stream-thread-worker.js', import.meta.url);
const ENTRY_TS = new URL('./stream-thread-worker.ts', import.meta.url);
/** How long a query waits for a thread's answer (the thread answers between batches). */
const QUERY_TIMEOUT_MS = 5_000;
/** How long a thread may take to finish its batch, commit and leave before its worker is terminated. */
const STOP_TIMEOUT_MS = 60_000;

/**
 * The stream threads of an instance with numStreamThreads > 1, one per worker_thread: starts them,
 * keeps what each reported (its tasks), relays their restore events and collects their metrics.
 */
export class StreamThreadWorkers {
  private readonly running = new Map<number, RunningThread>();
  private metricsRequests = 0;
  private readonly pendingMetrics = new Map<
    number,
    { waiting: Set<RunningThread>; collected: Metrics[]; done: (m: Metrics[]) => void }
  >();

  constructor(
    private readonly data: Omit<ThreadWorkerData, 'index' | 'queries'>,
    private readonly events: ThreadEvents,
  ) {}

  start(): void {
    for (let index = 1; index <= this.data.threadCount; index++) this.startThread(index);
  }

  /** Starts a new thread in place of one that died (its worker is terminated if still there). */
  async replace(index: number): Promise<void> {
    const old = this.running.get(index);
    if (old) {
      await old.worker.terminate();
      await old.exited;
    }
    this.startThread(index);
  }

  /** Every thread's tasks; complete once `allAssigned()`. */
  hostedTasks(): HostedTask[] {
    return [...this.running.values()].flatMap((t) => t.tasks ?? []);
  }

  /** Each thread's name and tasks, in thread order. */
  threads(): { readonly index: number; readonly tasks: readonly HostedTask[] }[] {
    return [...this.running.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, t]) => ({ index, tasks: t.tasks ?? [] }));
  }

  /** The query channels of the threads that have a task `accept`s (the threads that host a store). */
  queryChannels(accept: (task: HostedTask) => boolean): ThreadQueryChannel[] {
    return [...this.running.values()].filter((t) => t.tasks?.some(accept)).map((t) => t.queries);
  }

  /** Whether every thread has its tasks (none is rebalancing). */
  allAssigned(): boolean {
    return [...this.running.values()].every((t) => t.tasks !== null);
  }

  /** Asks every thread to finish its batch, commit and leave; resolves when all workers are gone. */
  async stop(): Promise<void> {
    await Promise.all(
      [...this.running.values()].map(async (thread) => {
        if (thread.ended) void thread.worker.terminate();
        thread.ended = true;
        thread.worker.postMessage({ kind: 'stop' } satisfies InstanceMessage);
        const timer = setTimeout(() => thread.worker.terminate(), STOP_TIMEOUT_MS);
        await thread.exited;
        clearTimeout(timer);
      }),
    );
    this.running.clear();
  }

  /** Every thread's metrics now (prom-client's JSON form), for the instance to aggregate. */
  threadMetrics(): Promise<Metrics[]> {
    const running = [...this.running.values()].filter((t) => !t.ended);
    if (running.length === 0) return Promise.resolve([]);
    const request = ++this.metricsRequests;
    return new Promise((done) => {
      this.pendingMetrics.set(request, { waiting: new Set(running), collected: [], done });
      for (const t of running) t.worker.postMessage({ kind: 'metrics', request } satisfies InstanceMessage);
    });
  }

  private startThread(index: number): void {
    const fromSources = !existsSync(fileURLToPath(ENTRY_JS));
    const name = `${this.data.instanceId}-StreamThread-${index}`;
    const queries = new ThreadQueryChannel(`stream thread ${name}`, QUERY_TIMEOUT_MS);
    const worker = new Worker(fromSources ? sourceEntry() : ENTRY_JS, {
      workerData: { ...this.data, index, queries: queries.workerEnd } satisfies ThreadWorkerData,
      transferList: [queries.workerEnd.port],
      execArgv: workerExecArgv(fromSources),
      name,
    });
    const thread: RunningThread = {
      worker,
      queries,
      tasks: null,
      ended: false,
      exited: new Promise((resolve) =>
        worker.once('exit', () => {
          queries.close();
          resolve();
        }),
      ),
    };
    this.running.set(index, thread);
    worker.on('message', (message: ThreadMessage) => this.onMessage(index, thread, message));
    worker.on('error', (err) => this.died(index, thread, err));
    worker.once('exit', (code) => {
      this.answerMetricsFor(thread);
      this.died(
        index,
        thread,
        new StreamsError(`stream thread ${index}'s worker exited (code ${code}) without stopping`),
      );
    });
  }

  private onMessage(index: number, thread: RunningThread, message: ThreadMessage): void {
    const listener = this.events.restoreListener;
    switch (message.kind) {
      case 'rebalancing':
        thread.tasks = null;
        this.events.onRebalancing();
        return;
      case 'assigned':
        thread.tasks = message.tasks;
        this.events.onAssigned();
        return;
      case 'restore-start':
        listener.onRestoreStart?.(message.partition, message.store, message.start, message.end);
        return;
      case 'restore-batch':
        listener.onBatchRestored?.(message.partition, message.store, message.end, message.restored);
        return;
      case 'restore-end':
        listener.onRestoreEnd?.(message.partition, message.store, message.restored);
        return;
      case 'metrics':
        this.collect(message.request, thread, message.metrics);
        return;
      case 'died':
        // The thread has shut down (or its global stores failed under it): the worker is done.
        void thread.worker.terminate();
        this.died(index, thread, errorFrom(index, message.error), !message.starting);
        return;
      case 'stopped':
        thread.ended = true;
        this.answerMetricsFor(thread);
        void thread.worker.terminate();
    }
  }

  private died(index: number, thread: RunningThread, error: Error, replaceable = true): void {
    if (thread.ended) return;
    thread.ended = true;
    thread.tasks = [];
    this.answerMetricsFor(thread);
    this.events.onDied(index, error, replaceable);
  }

  private collect(request: number, thread: RunningThread, metrics: Metrics): void {
    const pending = this.pendingMetrics.get(request);
    if (!pending?.waiting.delete(thread)) return;
    pending.collected.push(metrics);
    if (pending.waiting.size === 0) {
      this.pendingMetrics.delete(request);
      pending.done(pending.collected);
    }
  }

  /** A thread that ends answers no more metrics requests: they stop waiting for it. */
  private answerMetricsFor(thread: RunningThread): void {
    for (const request of [...this.pendingMetrics.keys()]) this.collect(request, thread, []);
  }
}

/** The thread's error as the instance's handler sees it: a failed consumer stays a ClientFatalError. */
function errorFrom(index: number, error: ThreadError): Error {
  const message = `stream thread ${index}: ${error.message}`;
  const err = error.client
    ? new ClientFatalError(error.client, message)
    : Object.assign(new StreamsError(message), { name: error.name });
  if (error.stack) err.stack = `${err.name}: ${message}\n${error.stack.split('\n').slice(1).join('\n')}`;
  return err;
}

/**
 * Running from rivulet's TypeScript sources (its own tests and benches), the worker first registers
 * tsx's loader, then imports the entry: a loader given by `--import` in a worker's execArgv does not
 * apply to the worker's entry module.
 */
function sourceEntry(): URL {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('tsx/package.json');
  const api = (JSON.parse(readFileSync(packageJson, 'utf8')) as TsxPackage).exports['./esm/api'].import
    .default;
  const bootstrap = [
    `import { register } from ${JSON.stringify(pathToFileURL(join(dirname(packageJson), api)).href)};`,
    'register();',
    `await import(${JSON.stringify(ENTRY_TS.href)});`,
  ].join('\n');
  return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
}

interface TsxPackage {
  exports: { './esm/api': { import: { default: string } } };
}

/** Node flags a worker takes: the module loading ones of this process (a worker refuses V8 and process flags). */
const WORKER_FLAGS =
  /^(--conditions|-C|--import|--require|-r|--loader|--experimental-[\w-]+|--enable-source-maps|--no-warnings|--no-deprecation)(=|$)/;

/** This process's module flags; from the sources, also their export condition, so `import 'rivulet'` in the application's module finds the same files. */
function workerExecArgv(fromSources: boolean): string[] {
  const argv: string[] = [];
  const own = process.execArgv;
  for (let i = 0; i < own.length; i++) {
    const flag = own[i]!;
    const takesValue = !flag.includes('=') && own[i + 1] !== undefined && !own[i + 1]!.startsWith('-');
    if (WORKER_FLAGS.test(flag)) argv.push(flag, ...(takesValue ? [own[i + 1]!] : []));
    if (takesValue) i++;
  }
  if (fromSources && !argv.some((a) => a.includes('rivulet-source')))
    argv.push('--conditions', 'rivulet-source');
  return argv;
}
