import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaStreams, type ProcessingGuarantee, RecordProducer, Serdes } from 'rivulet';
import { type QueryServer, startQueryServer } from 'rivulet/interactive-queries';
import { freePort } from '../../../test/free-port.js';
import { awaitSharedOwnership } from '../../../test/scenarios/shared-ownership.js';
import { shopApi } from '../http-api.js';
import type { Product } from '../inventory-events.js';
import type { OrderCommand } from '../order-events.js';
import { createShopTopics, type ShopOptions, shopTopology } from '../shop-topology.js';
import { type ShopTopics, TOPICS } from '../topics.js';

const S = Serdes.String();

export interface ShopInstances {
  readonly bootstrapServers: string;
  readonly topics: ShopTopics;
  /** The query servers' base URLs, one per instance. */
  readonly urls: string[];
  /** Writes order commands (as the HTTP API does). */
  readonly commands: RecordProducer<string, OrderCommand>;
  /** Closes the servers, the instances and the producer, and removes the state. */
  close(): Promise<void>;
}

/**
 * The whole shop on `instances` instances, each with its query server and the shop's HTTP API, on
 * a fresh embedded log or on the given broker (with the given topics and application id);
 * `products` are written to the catalogue first.
 */
export async function startShopInstances(options: {
  readonly products: readonly Product[];
  readonly instances?: number;
  readonly shop?: ShopOptions;
  /** A fresh embedded log by default. */
  readonly bootstrapServers?: string;
  readonly topics?: ShopTopics;
  readonly applicationId?: string;
  readonly guarantee?: ProcessingGuarantee;
  /** Runs on the fresh log before the topics are created. */
  readonly before?: (bootstrapServers: string) => Promise<void>;
}): Promise<ShopInstances> {
  const bootstrapServers = options.bootstrapServers ?? `memory://shop-${Date.now()}-${Math.random()}`;
  const topics = options.topics ?? TOPICS;
  await options.before?.(bootstrapServers);
  await createShopTopics(bootstrapServers, topics);
  const catalogue = await RecordProducer.create({
    bootstrapServers,
    keySerde: S,
    valueSerde: Serdes.Json<Product>(),
  });
  for (const product of options.products) catalogue.send(topics.products.name, product.productId, product);
  await catalogue.flush();
  await catalogue.close();
  const commands = await RecordProducer.create({
    bootstrapServers,
    keySerde: S,
    valueSerde: Serdes.Json<OrderCommand>(),
  });
  const running: { server: QueryServer; streams: KafkaStreams; stateDir: string }[] = [];
  for (let i = 1; i <= (options.instances ?? 2); i++) {
    const port = await freePort();
    const stateDir = mkdtempSync(join(tmpdir(), `rivulet-shop-${i}-`));
    const streams = new KafkaStreams(shopTopology(topics, options.shop), {
      applicationId: options.applicationId ?? 'shop',
      bootstrapServers,
      ...(options.guarantee ? { processingGuarantee: options.guarantee } : {}),
      instanceId: `instance-${i}`,
      stateDir,
      applicationServer: `127.0.0.1:${port}`,
      commitIntervalMs: 50,
    });
    const server = await startQueryServer(streams, { port, routes: shopApi(commands, topics) });
    await streams.start();
    running.push({ server, streams, stateDir });
  }
  const close = async () => {
    for (const { server, streams, stateDir } of [...running].reverse()) {
      await server.close();
      await streams.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
    await commands.close();
  };
  // Every instance owns its tasks before the caller starts: no order meets a rebalance still settling.
  await awaitSharedOwnership(
    running.map((r) => r.streams),
    60_000,
  ).catch(async (err: Error) => {
    await close();
    throw err;
  });
  return {
    bootstrapServers,
    topics,
    urls: running.map((r) => r.server.url),
    commands,
    close,
  };
}
