import { Observable } from 'rxjs';
import type { Serde } from '../../serdes/serde.js';
import type { Transport } from '../../transport/ports.js';
import type { StoreChangeEvent } from '../store-changes.js';

export interface ChangelogTailSpec<K, V> {
  readonly topic: string;
  readonly partitions: readonly number[];
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  /** Which changelog keys to deliver (by their bytes). */
  readonly accept: (key: Buffer) => boolean;
  /** Where to start per partition; the others start at the changelog's (committed) end. */
  readonly from: ReadonlyMap<number, number>;
  readonly clientId: string;
}

const POLL_MAX_RECORDS = 500;
const POLL_TIMEOUT_MS = 100;

/**
 * The committed changes of a store, read from its changelog by a consumer of the subscription's
 * own (read_committed, so under exactly-once only committed writes show). Cold: each subscriber
 * gets its own consumer, closed when it unsubscribes.
 */
export function changelogTail<K, V>(
  transport: Transport,
  spec: ChangelogTailSpec<K, V>,
): Observable<StoreChangeEvent<K, V>> {
  return new Observable((subscriber) => {
    const consumer = transport.consumer({ clientId: spec.clientId, isolationLevel: 'read_committed' });
    let running = true;
    const loop = (async () => {
      const partitions = spec.partitions.map((partition) => ({ topic: spec.topic, partition }));
      const ends = await consumer.endOffsets(partitions);
      const positions = ends.map(({ partition, offset }) => ({
        partition,
        offset: spec.from.get(partition) ?? offset,
      }));
      consumer.assign(positions.map((p) => ({ topic: spec.topic, ...p })));
      subscriber.next({ type: 'started', positions });
      while (running) {
        const records = await consumer.poll(POLL_MAX_RECORDS, POLL_TIMEOUT_MS);
        for (const r of records) {
          if (!running) return;
          if (r.key === null || !spec.accept(r.key)) continue;
          subscriber.next({
            type: 'change',
            key: spec.keySerde.deserialize(r.topic, r.key) as K,
            value: spec.valueSerde.deserialize(r.topic, r.value),
            timestampMs: r.timestampMs,
            partition: r.partition,
            offset: r.offset,
          });
        }
      }
    })();
    loop.then(
      () => subscriber.complete(),
      (err: unknown) => subscriber.error(err),
    );
    return () => {
      running = false;
      void loop.finally(() => consumer.close()).catch(() => {});
    };
  });
}
