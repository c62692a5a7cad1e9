import type { KafkaStreams } from 'rivulet';

/**
 * Waits until every one of `instances` is RUNNING and owns active tasks (as the instances topic
 * tells `instances[0]`), no task owned twice. A scenario that stops an instance "half-way" needs
 * this first: an instance still joining when it closes can be given partitions after it is gone.
 */
export async function awaitSharedOwnership(
  instances: readonly KafkaStreams[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const shared = () => {
    if (!instances.every((i) => i.state() === 'RUNNING')) return false;
    const all = instances[0]!.metadataForAllStreamsClients();
    const owned = all.flatMap((m) => m.activeTasks);
    return (
      all.length === instances.length &&
      all.every((m) => m.activeTasks.length > 0) &&
      new Set(owned).size === owned.length
    );
  };
  while (!shared()) {
    if (Date.now() > deadline) {
      const seen = instances[0]!
        .metadataForAllStreamsClients()
        .map((m) => `${m.instanceId}: [${m.activeTasks.join(' ')}]`);
      throw new Error(
        `the ${instances.length} instances did not share the tasks within ${timeoutMs} ms; states ${instances.map((i) => i.state()).join(', ')}; metadata says ${seen.join('; ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
