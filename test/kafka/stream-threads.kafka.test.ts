import { existsSync, rmSync } from 'node:fs';
import { KafkaStreams, QueryableStoreTypes, StoreQueryParameters } from 'rivulet';
import { startQueryServer } from 'rivulet/interactive-queries';
import { expect, it } from 'vitest';
import { kafkaCluster } from '../scenarios/test-cluster.js';
import type { ThreadsCountParameters } from './apps/threads-count-app.js';
import { describeKafka, kafkaBootstrap, uniqueName } from './broker-context.js';

// numStreamThreads: 2 stream threads, each in a worker_thread with its own consumer, producer and
// tasks, share the 8 tasks of a counting topology with a repartition and count exactly once; the
// instance publishes and reports all their tasks and sums their metrics; a thread that dies of an
// uncaught error is replaced (uncaughtExceptionHandler 'replace_thread') and nothing is lost or
// counted twice; interactive queries (the store API and the HTTP query server) read the stores in
// the workers.

const APP = new URL('./apps/threads-count-app.ts', import.meta.url);

describeKafka('stream threads in worker threads', () => {
  it('two threads count exactly once (exactly_once_v2); a thread that dies is replaced', async () => {
    const cluster = kafkaCluster(kafkaBootstrap);
    const name = uniqueName('threads-count');
    const parameters: ThreadsCountParameters = {
      applicationId: name,
      bootstrapServers: kafkaBootstrap,
      input: `${name}-in`,
      output: `${name}-out`,
      stateDir: `/tmp/${name}`,
      numStreamThreads: 2,
      guarantee: 'exactly_once_v2',
      poisonMarker: `/tmp/${name}.poison`,
    };
    await cluster.createTopic(parameters.input, 4);
    await cluster.createTopic(parameters.output, 4);
    const words = Array.from({ length: 4000 }, (_, i) => (i === 2500 ? 'poison' : `w${(i * 7) % 37}`));
    const expected = new Map<string, number>();
    for (const w of words) expected.set(w, (expected.get(w) ?? 0) + 1);
    const streams = await KafkaStreams.fromModule(APP, parameters);
    try {
      await streams.start();
      await streams.waitForState('RUNNING', 60_000);
      await cluster.produce(
        parameters.input,
        words.slice(0, 2000).map((w, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(w) })),
      );
      // Both threads hold tasks: 4 partitions × 2 sub-topologies, published as one instance.
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && streams.activeTaskIds().length < 8)
        await new Promise((r) => setTimeout(r, 200));
      expect(streams.activeTaskIds()).toEqual(['0_0', '0_1', '0_2', '0_3', '1_0', '1_1', '1_2', '1_3']);
      // Spread over both threads, each task in one.
      const threads = streams.metadataForLocalThreads();
      const instanceId = streams.metadataForAllStreamsClients()[0]?.instanceId;
      expect(threads.map((t) => t.threadName)).toEqual([1, 2].map((n) => `${instanceId}-StreamThread-${n}`));
      for (const t of threads) expect(t.activeTasks.length).toBeGreaterThan(0);
      expect(threads.flatMap((t) => t.activeTasks).sort()).toEqual(streams.activeTaskIds());
      await cluster.produce(
        parameters.input,
        words.slice(2000).map((w, i) => ({ key: Buffer.from(`k${2000 + i}`), value: Buffer.from(w) })),
      );
      const latest = async () => {
        const counts = new Map<string, number>();
        for (const r of await cluster.readAll(parameters.output))
          counts.set(r.key!.toString(), Number(r.value!.readBigInt64BE(0)));
        return counts;
      };
      const sameAsExpected = (counts: Map<string, number>) =>
        [...expected].every(([word, count]) => counts.get(word) === count);
      while (Date.now() < deadline + 60_000 && !sameAsExpected(await latest()))
        await new Promise((r) => setTimeout(r, 300));
      expect(Object.fromEntries(await latest())).toEqual(Object.fromEntries(expected));
      expect(existsSync(parameters.poisonMarker)).toBe(true);
      await streams.waitForState('RUNNING', 60_000);
      const metrics = await streams.metrics().getMetricsAsJSON();
      const value = (metric: string) => metrics.find((m) => m.name === metric)?.values[0]?.value;
      // The instance's own metric, and the threads' summed (4 tasks each).
      expect(value('rivulet_thread_replacements_total')).toBe(1);
      expect(value('rivulet_active_tasks')).toBe(8);
      const published = streams.metadataForAllStreamsClients();
      expect(published.map((m) => m.activeTasks.length)).toEqual([8]);
      // Interactive queries reach the stores in both threads' workers.
      const counts = streams.store<string, number>('word-counts');
      for (const [word, count] of expected) expect(Number(counts.get(word)), word).toBe(count);
      expect(counts.get('never-seen')).toBeNull();
      const all = [...counts.all()].map((kv) => [kv.key, Number(kv.value)]);
      expect(Object.fromEntries(all)).toEqual(Object.fromEntries(expected));
      expect(counts.approximateNumEntries()).toBe(expected.size);
      const timestamped = streams.store(
        StoreQueryParameters.fromNameAndType(
          'word-counts',
          QueryableStoreTypes.timestampedKeyValueStore<string, number>(),
        ),
      );
      expect(Number(timestamped.get('w0')?.value)).toBe(expected.get('w0'));
      expect(timestamped.get('w0')?.timestampMs).toBeGreaterThan(0);
      // And over HTTP, through the query server.
      const server = await startQueryServer(streams, { port: 0 });
      try {
        for (const word of ['w0', 'w5', 'w36']) {
          const response = await fetch(`${server.url}/stores/word-counts/keys/${word}`);
          expect(response.status, await response.clone().text()).toBe(200);
          expect(((await response.json()) as { value: number }).value).toBe(expected.get(word));
        }
      } finally {
        await server.close();
      }
    } finally {
      await streams.close();
      await streams.cleanUp();
      await cluster.close();
      rmSync(parameters.poisonMarker, { force: true });
    }
  });
});
