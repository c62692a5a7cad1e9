// A stream thread in a worker_thread (StreamsConfig.numStreamThreads): builds the application from
// its module, runs one StreamThread with its own consumer, producer, tasks and stores, and reports
// to the instance (thread-protocol.ts). Started by StreamThreadWorkers; not imported by anything.
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { StateRestoreListener } from '../../../state-stores/restore-listener.js';
import { ClientFatalError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { compileSubtopologies } from '../../topology/internals/subtopologies.js';
import { resolveConfig } from '../streams-config.js';
import { globalUpdaterFor } from './global-updater-for.js';
import { topicResolver } from './internal-topics.js';
import { StreamsMetrics } from './metrics.js';
import { prepareSerdes } from './serde-preparation.js';
import { StreamThread } from './stream-thread.js';
import { loadStreamsApp } from './streams-app-module.js';
import type { InstanceMessage, ThreadError, ThreadMessage, ThreadWorkerData } from './thread-protocol.js';
import { answerStoreQueries } from './thread-queries.js';
import { transportFor } from './transport-for.js';

const data = workerData as ThreadWorkerData;
const port = parentPort as MessagePort;
const report = (message: ThreadMessage) => port.postMessage(message);

function threadError(err: unknown): ThreadError {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    name: e.name,
    message: e.message,
    stack: e.stack,
    client: e instanceof ClientFatalError ? e.client : undefined,
  };
}

/** Restore events go to the instance, which keeps the lags and tells the application's listener. */
const restoreListener: StateRestoreListener = {
  onRestoreStart: (partition, store, start, end) =>
    report({ kind: 'restore-start', partition, store, start, end }),
  onBatchRestored: (partition, store, end, restored) =>
    report({ kind: 'restore-batch', partition, store, end, restored }),
  onRestoreEnd: (partition, store, restored) => report({ kind: 'restore-end', partition, store, restored }),
};

let running: { thread: StreamThread; metrics: StreamsMetrics; logger: Logger } | null = null;
answerStoreQueries(data.queries, () => running?.thread.taskManager.tasks.values() ?? []);
let stopRequested = false;
port.on('message', (message: InstanceMessage) => {
  if (message.kind === 'stop') {
    stopRequested = true;
    running?.thread.stop();
  } else {
    // Before the thread runs, it has no metrics yet.
    const values = running ? running.metrics.registry.getMetricsAsJSON() : Promise.resolve([]);
    // A failed collection still answers (with none), so the instance's metrics read does not hang.
    values
      .catch((err: Error) => {
        running?.logger.warn({ err }, `collecting this thread's metrics failed: ${err.message}`);
        return [];
      })
      .then((metrics) => report({ kind: 'metrics', request: message.request, metrics }));
  }
});

async function run(): Promise<void> {
  const app = await loadStreamsApp(data.app);
  const base = resolveConfig(app.config);
  const threadName = `${data.instanceId}-StreamThread-${data.index}`;
  // The thread's clients are named after it; a static member's threads are static members under those names.
  const config = {
    ...base,
    instanceId: threadName,
    staticMembership: data.staticMembership,
    cacheMaxBytes: Math.floor(base.cacheMaxBytes / data.threadCount),
  };
  const builder = app.topology.internal;
  await prepareSerdes(builder, config, config.applicationId);
  const subtopologies = compileSubtopologies(builder);
  const transport = transportFor(config.bootstrapServers, {
    settings: config.kafka,
    flushTimeoutMs: config.taskTimeoutMs,
    logger: config.logger,
    dataPlane: config.kafkaDataPlane,
  });
  const metrics = new StreamsMetrics();
  // Global stores are read synchronously by the thread's joins, so each thread keeps its own copy.
  const global = globalUpdaterFor(config, builder, {
    metrics,
    transport,
    partitionCounts: data.globalPartitions,
    directoryName: `global-thread-${data.index}`,
    restoreListener: () => restoreListener,
    logger: config.logger.child({ applicationId: config.applicationId, instanceId: data.instanceId }),
  });
  if (global) {
    await global.start();
    global.done.catch((err: Error) => report({ kind: 'died', error: threadError(err), starting: !running }));
  }
  const thread = new StreamThread(
    config,
    builder,
    subtopologies,
    transport,
    metrics,
    {
      onRebalancing: () => report({ kind: 'rebalancing' }),
      restoreListener: () => restoreListener,
      beforeCreatingTasks: async () => {},
      onAssigned: async (tasks) =>
        report({
          kind: 'assigned',
          tasks: tasks.map((t) => ({
            id: String(t.id),
            restored: t.status === 'RUNNING',
            inputTopics: t.inputTopics(),
          })),
        }),
    },
    global?.stores ?? new Map(),
  );
  const resolve = topicResolver(config.applicationId, builder);
  if (stopRequested) {
    await global?.close();
    report({ kind: 'stopped' });
    return;
  }
  await thread.start(subtopologies.flatMap((s) => s.sourceTopics.map(resolve)));
  running = { thread, metrics, logger: config.logger };
  if (stopRequested) thread.stop();
  try {
    await thread.done;
  } finally {
    await global?.close();
  }
  report({ kind: 'stopped' });
}

run().catch((err: unknown) => report({ kind: 'died', error: threadError(err), starting: !running }));
