import { AggregatorRegistry, Registry } from 'prom-client';
import type { Metrics } from './thread-protocol.js';

/**
 * The registry of an instance whose stream threads run in workers: what is registered in it, the
 * instance's own metrics and every thread's, summed per metric and labels (prom-client's
 * aggregation, as for a cluster of processes) each time they are read.
 */
export class ThreadsRegistry extends Registry {
  constructor(
    private readonly instance: Registry,
    private readonly threadMetrics: () => Promise<Metrics[]>,
  ) {
    super();
  }

  override async getMetricsAsJSON(): Promise<Metrics> {
    return (await this.aggregate()).getMetricsAsJSON();
  }

  override async metrics(): Promise<string> {
    return (await this.aggregate()).metrics();
  }

  private async aggregate(): Promise<Registry> {
    const [own, instance, threads] = await Promise.all([
      super.getMetricsAsJSON(),
      this.instance.getMetricsAsJSON(),
      this.threadMetrics(),
    ]);
    return AggregatorRegistry.aggregate([own, instance, ...threads]);
  }
}
