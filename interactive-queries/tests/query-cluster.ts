import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaStreams, type StreamsConfig } from 'rivulet';
import { freePort } from '../../test/free-port.js';
import { type QueryServer, type QueryServerOptions, startQueryServer } from '../index.js';
import { type ShopTopics, shopTopology } from './shop-topology.js';

export interface QueryInstance {
  readonly id: string;
  readonly streams: KafkaStreams;
  readonly server: QueryServer;
}

/**
 * Instances of the shop topology, each with its query server on 127.0.0.1 at its
 * applicationServer address; `close()` stops them all (servers first) and removes their state.
 */
export class QueryCluster {
  readonly instances: QueryInstance[] = [];
  private readonly stateDirs: string[] = [];

  constructor(
    private readonly config: Pick<StreamsConfig, 'applicationId' | 'bootstrapServers'> &
      Partial<StreamsConfig>,
    private readonly serverOptions: QueryServerOptions = {},
    private readonly topics?: ShopTopics,
  ) {}

  /** Starts one more instance (`start: false`: only its query server). */
  async add(id: string, { start = true } = {}): Promise<QueryInstance> {
    const port = await freePort();
    const stateDir = mkdtempSync(join(tmpdir(), `rivulet-iq-${id}-`));
    this.stateDirs.push(stateDir);
    const streams = new KafkaStreams(shopTopology(this.topics), {
      commitIntervalMs: 50,
      ...this.config,
      instanceId: id,
      stateDir,
      applicationServer: `127.0.0.1:${port}`,
    });
    const server = await startQueryServer(streams, { ...this.serverOptions, port });
    const instance = { id, streams, server };
    this.instances.push(instance);
    if (start) await this.startStreams(instance);
    return instance;
  }

  async startStreams(instance: QueryInstance): Promise<void> {
    await instance.streams.start();
    await instance.streams.waitForState('RUNNING', 60_000);
  }

  /** Stops one instance (its server, then the streams instance, which leaves the group). */
  async stop(instance: QueryInstance): Promise<void> {
    this.instances.splice(this.instances.indexOf(instance), 1);
    await instance.server.close();
    await instance.streams.close();
  }

  async close(): Promise<void> {
    for (const instance of [...this.instances]) await this.stop(instance);
    for (const dir of this.stateDirs) rmSync(dir, { recursive: true, force: true });
  }
}
