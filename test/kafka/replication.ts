import type { IAdminClient, LibrdKafkaError, TopicDescription } from '@confluentinc/kafka-javascript';
import { loadNativeKafka } from '../../engine/transport/kafka/native-client.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until every partition of every topic (the internal ones too: offsets, transaction state) has
 * all its replicas in sync: a rolling bounce takes the next broker down only then, as an operator
 * does. Throws with the partitions still behind when that does not happen within `timeoutMs`.
 */
export async function waitUntilFullyReplicated(bootstrapServers: string, timeoutMs: number): Promise<void> {
  const { AdminClient } = loadNativeKafka();
  const admin: IAdminClient = AdminClient.create({ 'bootstrap.servers': bootstrapServers });
  const call = <T>(f: (cb: (err: LibrdKafkaError | null, result: T) => void) => void) =>
    new Promise<T>((resolve, reject) =>
      f((err, result) => (err ? reject(new Error(err.message)) : resolve(result))),
    );
  const deadline = Date.now() + timeoutMs;
  let behind: string[] = ['(not asked yet)'];
  try {
    while (Date.now() < deadline) {
      try {
        const topics = await call<string[]>((cb) => admin.listTopics({ timeout: 5_000 }, cb));
        const described = await call<TopicDescription[]>((cb) =>
          admin.describeTopics(topics, { timeout: 5_000 }, cb),
        );
        behind = described.flatMap((t) =>
          t.error
            ? [`${t.name}: ${t.error.message}`]
            : t.partitions
                .filter((p) => p.isr.length < p.replicas.length)
                .map((p) => `${t.name}-${p.partition} (isr ${p.isr.map((n) => n.id).join(',')})`),
        );
        if (behind.length === 0) return;
      } catch (err) {
        behind = [`the cluster did not answer: ${(err as Error).message}`];
      }
      await sleep(500);
    }
    throw new Error(
      `the cluster did not re-replicate within ${timeoutMs} ms: ${behind.slice(0, 10).join('; ')}`,
    );
  } finally {
    admin.disconnect();
  }
}
