import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The instance's prom-client registry and the metrics the task runtime writes. */
export class StreamsMetrics {
  readonly registry = new Registry();
  readonly droppedRecords = new Counter({
    name: 'rivulet_dropped_records_total',
    help: 'Records skipped on purpose (null key or value for an aggregation, a closed window) or by a handler (continue), by task and reason',
    labelNames: ['task', 'reason'] as const,
    registers: [this.registry],
  });
  readonly processedRecords = new Counter({
    name: 'rivulet_processed_records_total',
    help: 'Records pushed through the topology',
    registers: [this.registry],
  });
  readonly commits = new Counter({
    name: 'rivulet_commits_total',
    help: 'Commits (offsets or transactions) completed',
    registers: [this.registry],
  });
  readonly dlqRecords = new Counter({
    name: 'rivulet_dlq_records_total',
    help: 'Records written to the dead-letter topic, by task and error kind',
    labelNames: ['task', 'kind'] as const,
    registers: [this.registry],
  });
  readonly processBatchSeconds = new Histogram({
    name: 'rivulet_process_batch_duration_seconds',
    help: 'Time to push one polled batch through the topology (processing latency per batch)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly commitSeconds = new Histogram({
    name: 'rivulet_commit_duration_seconds',
    help: 'Time of a commit: flush stores and producer, then commit offsets or the transaction',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly activeTasks = new Gauge({
    name: 'rivulet_active_tasks',
    help: 'Tasks this instance runs',
    registers: [this.registry],
  });
  readonly consumerLag = new Gauge({
    name: 'rivulet_consumer_lag_records',
    help: 'Records between the last processed offset and the end of each input partition (sampled every few seconds)',
    labelNames: ['topic', 'partition'] as const,
    registers: [this.registry],
  });
  readonly threadReplacements = new Counter({
    name: 'rivulet_thread_replacements_total',
    help: "Stream threads replaced: after an uncaught error (uncaughtExceptionHandler 'replace_thread') or a fatal consumer error",
    registers: [this.registry],
  });
  readonly storeOperationSeconds = new Histogram({
    name: 'rivulet_store_operation_seconds',
    help: 'Latency of key-value store operations (get, put, range; sampled 1 in 64) and of store flushes, by store',
    labelNames: ['store', 'operation'] as const,
    buckets: [0.000001, 0.000005, 0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.01, 0.1],
    registers: [this.registry],
  });
  readonly restoringTasks = new Gauge({
    name: 'rivulet_restoring_tasks',
    help: 'Tasks whose stores are being restored from their changelogs',
    registers: [this.registry],
  });
  readonly restoredRecords = new Counter({
    name: 'rivulet_restored_records_total',
    help: 'Changelog records replayed into stores when tasks were created',
    registers: [this.registry],
  });
  readonly aborts = new Counter({
    name: 'rivulet_task_aborts_total',
    help: 'Times the open work was given up and redone from the committed offsets (transaction aborted, tasks fenced or migrated, records refused, a client replaced), by cause',
    labelNames: ['cause'] as const,
    registers: [this.registry],
  });
  readonly refusedRecords = new Counter({
    name: 'rivulet_refused_records_total',
    help: 'Output records the cluster refused (too large, bad timestamp, missing topic...), handed to productionExceptionHandler, by topic',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });
  readonly rebalances = new Counter({
    name: 'rivulet_rebalances_total',
    help: 'Partition assignments received',
    registers: [this.registry],
  });
}
