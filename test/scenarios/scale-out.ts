import type { KafkaStreams } from 'rivulet';
import { awaitCounts, produceInput, type ScenarioOptions, startInstance } from './repartition-count.js';
import type { TestCluster } from './test-cluster.js';

const TASKS = 8; // 2 sub-topologies x 4 partitions

/**
 * Every task is active on exactly one of the live instances, and the instances topic lists exactly
 * those instances, as seen through the metadata API of `observer`.
 */
function ownershipIsExact(observer: KafkaStreams, live: readonly string[]): boolean {
  const all = observer.metadataForAllStreamsClients();
  const ids = all.map((m) => m.instanceId).sort();
  if (ids.join() !== [...live].sort().join()) return false;
  const owned = all.flatMap((m) => m.activeTasks);
  return (
    owned.length === TASKS && new Set(owned).size === TASKS && all.every((m) => m.activeTasks.length > 0)
  );
}

async function converge(observer: KafkaStreams, live: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ownershipIsExact(observer, live)) {
    if (Date.now() > deadline) {
      const seen = observer
        .metadataForAllStreamsClients()
        .map((m) => `${m.instanceId}: [${m.activeTasks.join(' ')}]`);
      throw new Error(
        `ownership did not settle on ${live.join(', ')} within ${timeoutMs} ms; metadata says ${seen.join('; ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Three instances started at different times while input arrives, then one stopped cleanly and
 * started again. After each rebalance every partition has exactly one live owner (checked through
 * metadataForAllStreamsClients), and the final table equals the model.
 */
export async function scaleOutScenario(
  cluster: TestCluster,
  options: ScenarioOptions,
  settleMs: number,
): Promise<Map<string, number>> {
  await cluster.createTopic(options.input, 4);
  await cluster.createTopic(options.output, 4);
  const third = Math.floor(options.records / 3);
  const running: KafkaStreams[] = [];
  const start = async (id: string) => {
    const instance = startInstance(cluster, options, id);
    running.push(instance);
    await instance.start();
    return instance;
  };
  try {
    const a = await start('a');
    await produceInput(cluster, options, 0, third);
    await converge(a, ['a'], settleMs);
    await start('b');
    await converge(a, ['a', 'b'], settleMs);
    await produceInput(cluster, options, third, third);
    const c = await start('c');
    await converge(a, ['a', 'b', 'c'], settleMs);
    await c.close();
    await converge(a, ['a', 'b'], settleMs);
    await produceInput(cluster, options, 2 * third, options.records - 2 * third);
    await start('c');
    await converge(a, ['a', 'b', 'c'], settleMs);
    return await awaitCounts(cluster, options, 120_000);
  } finally {
    await Promise.all(running.map((i) => i.close()));
  }
}
