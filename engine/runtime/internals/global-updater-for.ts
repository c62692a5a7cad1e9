import { join } from 'node:path';
import type { StateRestoreListener } from '../../../state-stores/restore-listener.js';
import type { Logger } from '../../logger.js';
import type { InternalTopologyBuilder } from '../../topology/internals/internal-topology-builder.js';
import type { Transport } from '../../transport/ports.js';
import type { ResolvedStreamsConfig } from '../streams-config.js';
import { GlobalStateUpdater } from './global-state-updater.js';
import { GlobalTask } from './global-task.js';
import type { StreamsMetrics } from './metrics.js';

/**
 * The updater of the topology's global stores, or null when it has none. `directoryName` is the
 * stores' folder under the application's state directory: each copy of the global stores (one per
 * instance sharing the directory, one per stream thread in a worker) needs its own.
 */
export function globalUpdaterFor(
  config: ResolvedStreamsConfig,
  builder: InternalTopologyBuilder,
  options: {
    readonly metrics: StreamsMetrics;
    readonly transport: Transport;
    readonly partitionCounts: ReadonlyMap<string, number>;
    readonly directoryName: string;
    readonly restoreListener: () => StateRestoreListener | null;
    readonly logger: Logger;
  },
): GlobalStateUpdater | null {
  if (builder.globalStores.size === 0) return null;
  const logger = options.logger.child({ thread: `${config.instanceId}-global` });
  const stateDirectory = join(config.stateDir, config.applicationId);
  const task = new GlobalTask(builder.globalStores.values(), {
    applicationId: config.applicationId,
    builder,
    metrics: options.metrics,
    defaultKeySerde: config.defaultKeySerde,
    defaultValueSerde: config.defaultValueSerde,
    defaultTimestampExtractor: config.defaultTimestampExtractor,
    errorHandling: config.errorHandling,
    recordCache: null,
    applicationStateDir: stateDirectory,
    globalStateDir: join(stateDirectory, options.directoryName),
    logger,
    wallClockMs: Date.now,
  });
  return new GlobalStateUpdater(task, options.partitionCounts, options.transport, {
    clientId: `${config.instanceId}-global-consumer`,
    eos: config.processingGuarantee === 'exactly_once_v2',
    commitIntervalMs: config.commitIntervalMs,
    taskTimeoutMs: config.taskTimeoutMs,
    logger,
    restoreListener: options.restoreListener,
  });
}
