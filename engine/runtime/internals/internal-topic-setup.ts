import { StreamsError } from '../../errors.js';
import type { InternalTopologyBuilder } from '../../topology/internals/internal-topology-builder.js';
import type { SubtopologyDefinition } from '../../topology/internals/subtopologies.js';
import type { AdminPort, NewTopic } from '../../transport/ports.js';
import { changelogTopicName } from './internal-topics.js';
import { instancesTopicName } from './membership-directory.js';
import type { ErrorHandlingConfig } from './record-error-handler.js';

/**
 * Checks the source topics, sizes and creates the internal topics, as Kafka Streams does at
 * assignment: a sub-topology has as many tasks as its largest source topic has partitions; a
 * repartition topic has as many partitions as the sub-topologies writing to it have tasks (unless
 * `Repartitioned` fixed it); a changelog has one partition per task of its store's sub-topology.
 * Global stores' topics must exist too. Returns the task count of each sub-topology and the
 * partition count of each global topic.
 */
export async function setUpTopics(
  builder: InternalTopologyBuilder,
  subtopologies: readonly SubtopologyDefinition[],
  applicationId: string,
  admin: AdminPort,
  replicationFactor: number,
): Promise<{ taskCounts: Map<number, number>; globalPartitions: Map<string, number> }> {
  const resolve = (name: string) => (builder.isInternalTopic(name) ? `${applicationId}-${name}` : name);
  const globalTopics = [...builder.globalStores.values()].map((g) => g.source.topics[0]!);
  const userTopics = [
    ...new Set(subtopologies.flatMap((s) => s.sourceTopics).filter((t) => !builder.isInternalTopic(t))),
    ...globalTopics,
  ];
  // Sinks with a fixed topic write to it from the first record on: it must exist, as sources must.
  const sinkTopics = [
    ...new Set(
      subtopologies.flatMap((s) =>
        s.nodes.flatMap((n) =>
          n.kind === 'sink' && typeof n.topic === 'string' && !builder.isInternalTopic(n.topic)
            ? [n.topic]
            : [],
        ),
      ),
    ),
  ];
  const described = await admin.describeTopics([...new Set([...userTopics, ...sinkTopics])]);
  const missing = userTopics.filter((t) => !described.has(t));
  const missingSinks = sinkTopics.filter((t) => !described.has(t));
  if (missing.length || missingSinks.length) {
    const parts = [
      missing.length ? `source topic(s) ${missing.join(', ')}` : '',
      missingSinks.length ? `output topic(s) ${missingSinks.join(', ')}` : '',
    ].filter(Boolean);
    throw new StreamsError(
      `${parts.join(' and ')} do not exist; create them before starting application ${applicationId}`,
    );
  }

  const repartitionCounts = new Map<string, number>();
  for (const [name, def] of builder.repartitionTopics)
    if (def.partitions !== undefined) repartitionCounts.set(name, def.partitions);
  const coerced = copartition(builder, subtopologies, described, repartitionCounts);
  // The sub-topologies writing each unfixed repartition topic: its count is known once all are sized.
  const writers = new Map<string, Set<number>>();
  for (const sub of subtopologies)
    for (const node of sub.nodes)
      if (node.kind === 'sink' && typeof node.topic === 'string' && builder.isInternalTopic(node.topic))
        writers.set(node.topic, (writers.get(node.topic) ?? new Set()).add(sub.id));
  const taskCounts = new Map<number, number>();
  const countOf = (topic: string): number | undefined => {
    if (!builder.isInternalTopic(topic)) return described.get(topic);
    const fixed = builder.repartitionTopics.get(topic)?.partitions !== undefined || coerced.has(topic);
    const sized = [...(writers.get(topic) ?? [])].every((id) => taskCounts.has(id));
    return fixed || sized ? repartitionCounts.get(topic) : undefined;
  };
  // Sub-topologies in dependency order: one is sized once its source topics' counts are known
  // (a foreign-key join's foreign side may read a topic its primary side, numbered later, writes).
  const pending = [...subtopologies];
  while (pending.length > 0) {
    const ready = pending.filter((sub) => sub.sourceTopics.every((t) => countOf(t) !== undefined));
    if (ready.length === 0) {
      const stuck = pending[0]!;
      const topic = stuck.sourceTopics.find((t) => countOf(t) === undefined);
      throw new StreamsError(
        `cannot size sub-topology ${stuck.id}: the partition count of ${topic} depends on sub-topologies that depend on it; fix it with Repartitioned.withNumberOfPartitions`,
      );
    }
    for (const sub of ready) {
      const tasks = Math.max(...sub.sourceTopics.map((t) => countOf(t)!));
      taskCounts.set(sub.id, tasks);
      pending.splice(pending.indexOf(sub), 1);
      for (const node of sub.nodes) {
        if (node.kind === 'sink' && typeof node.topic === 'string' && builder.isInternalTopic(node.topic)) {
          if (
            builder.repartitionTopics.get(node.topic)?.partitions === undefined &&
            !coerced.has(node.topic)
          ) {
            repartitionCounts.set(node.topic, Math.max(repartitionCounts.get(node.topic) ?? 0, tasks));
          }
        }
      }
    }
  }

  checkCopartitioned(builder, subtopologies, described, repartitionCounts);

  const wanted: NewTopic[] = [];
  for (const [name, partitions] of repartitionCounts) {
    wanted.push({
      name: resolve(name),
      partitions,
      replicationFactor,
      config: { 'cleanup.policy': 'delete', 'retention.ms': '-1' },
    });
  }
  for (const sub of subtopologies) {
    for (const store of sub.stores) {
      const storeBuilder = builder.stores.get(store)!;
      if (!storeBuilder.loggingEnabled) continue;
      wanted.push({
        name: changelogTopicName(applicationId, store),
        partitions: taskCounts.get(sub.id)!,
        replicationFactor,
        config: storeBuilder.changelogConfig(),
      });
    }
  }
  const existing = await admin.describeTopics(wanted.map((t) => t.name));
  const wrong = wanted.filter((t) => existing.has(t.name) && existing.get(t.name) !== t.partitions);
  if (wrong.length) {
    throw new StreamsError(
      `internal topic(s) exist with the wrong partition count: ${wrong
        .map((t) => `${t.name} has ${existing.get(t.name)}, needs ${t.partitions}`)
        .join('; ')}. Delete them (or run with a new applicationId) and start again`,
    );
  }
  await admin.createTopics(wanted.filter((t) => !existing.has(t.name)));
  return { taskCounts, globalPartitions: new Map(globalTopics.map((t) => [t, described.get(t)!])) };
}

/**
 * Co-partitioned inputs (the sources of a sub-topology with a join): user topics must agree on the
 * partition count, and unfixed repartition topics among them take that count. Returns those topics.
 */
function copartition(
  builder: InternalTopologyBuilder,
  subtopologies: readonly SubtopologyDefinition[],
  described: Map<string, number>,
  repartitionCounts: Map<string, number>,
): Set<string> {
  const coerced = new Set<string>();
  for (const sub of subtopologies) {
    if (!sub.nodes.some((n) => builder.copartitionedNodes.has(n.name))) continue;
    const user = sub.sourceTopics.filter((t) => !builder.isInternalTopic(t));
    const counts = new Set(user.map((t) => described.get(t)));
    if (counts.size > 1) {
      throw new StreamsError(
        `co-partitioned topics must have the same number of partitions, but ${user.map((t) => `${t} has ${described.get(t)}`).join(', ')}; repartition one side (KStream.repartition) or recreate the topic`,
      );
    }
    const [count] = counts;
    if (count === undefined) continue;
    for (const topic of sub.sourceTopics) {
      if (builder.isInternalTopic(topic) && builder.repartitionTopics.get(topic)?.partitions === undefined) {
        repartitionCounts.set(topic, count);
        coerced.add(topic);
      }
    }
  }
  return coerced;
}

/**
 * The inputs of a join's sub-topology must agree on the partition count once every count is known
 * (internal topics included: a foreign-key join's subscriptions and a table from an aggregation),
 * or records of one key would reach different tasks.
 */
function checkCopartitioned(
  builder: InternalTopologyBuilder,
  subtopologies: readonly SubtopologyDefinition[],
  described: Map<string, number>,
  repartitionCounts: Map<string, number>,
): void {
  for (const sub of subtopologies) {
    if (!sub.nodes.some((n) => builder.copartitionedNodes.has(n.name))) continue;
    const counts = sub.sourceTopics.map((t) => ({
      topic: t,
      count: builder.isInternalTopic(t) ? repartitionCounts.get(t) : described.get(t),
    }));
    if (new Set(counts.map((c) => c.count)).size > 1)
      throw new StreamsError(
        `co-partitioned inputs of sub-topology ${sub.id} disagree on the partition count: ${counts.map((c) => `${c.topic} has ${c.count}`).join(', ')}; fix the count of the internal one with Repartitioned.withNumberOfPartitions (or Grouped/Joined naming it), or repartition the other side`,
      );
  }
}

/** Creates the dead-letter topic when a handler writes to it and it does not exist yet. */
export async function ensureDeadLetterTopic(
  admin: AdminPort,
  errorHandling: ErrorHandlingConfig,
  replicationFactor: number,
): Promise<void> {
  const { deserialization, processing, production, deadLetterQueueTopic } = errorHandling;
  if (![deserialization, processing, production].includes('dlq')) return;
  if ((await admin.describeTopics([deadLetterQueueTopic])).has(deadLetterQueueTopic)) return;
  await admin.createTopics([{ name: deadLetterQueueTopic, partitions: 1, replicationFactor, config: {} }]);
}

/** The compacted `<applicationId>-instances` topic the instances publish their metadata to. */
export async function ensureInstancesTopic(
  admin: AdminPort,
  applicationId: string,
  replicationFactor: number,
): Promise<void> {
  const name = instancesTopicName(applicationId);
  if ((await admin.describeTopics([name])).has(name)) return;
  await admin.createTopics([
    { name, partitions: 1, replicationFactor, config: { 'cleanup.policy': 'compact' } },
  ]);
}
