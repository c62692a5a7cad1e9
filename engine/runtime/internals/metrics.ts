import { Counter, Registry } from 'prom-client';

/** The instance's prom-client registry and the metrics the task runtime writes. */
export class StreamsMetrics {
  readonly registry = new Registry();
  readonly droppedRecords = new Counter({
    name: 'rivulet_dropped_records_total',
    help: 'Records skipped on purpose (null key or value for an aggregation, negative timestamp), by task and reason',
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
  readonly rebalances = new Counter({
    name: 'rivulet_rebalances_total',
    help: 'Partition assignments received',
    registers: [this.registry],
  });
}
