import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../../../state-stores/key-value-store.js';
import type { ValueAndTimestamp } from '../../../state-stores/value-and-timestamp.js';
import {
  Consumed,
  EmbeddedLog,
  Materialized,
  Serdes,
  type StateRestoreListener,
  StreamsBuilder,
} from '../../index.js';
import { defaultLogger } from '../../logger.js';
import { MemoryTransport } from '../../transport/memory/memory-transport.js';
import { GlobalStateUpdater } from '../internals/global-state-updater.js';
import { GlobalTask } from '../internals/global-task.js';
import { StreamsMetrics } from '../internals/metrics.js';
import { resolveErrorHandling } from '../streams-config.js';

const S = Serdes.String();
let seq = 0;

function updater(
  cluster: string,
  stateDir: string,
  options: {
    storeType?: 'persistent' | 'in-memory';
    listener?: StateRestoreListener;
    onBadRecord?: 'fail' | 'continue';
  } = {},
) {
  const builder = new StreamsBuilder();
  builder.globalTable(
    'products',
    Consumed.with(S, Serdes.Json<{ price: number }>()),
    Materialized.as<string, { price: number }>('products').withStoreType(options.storeType ?? 'persistent'),
  );
  const internal = builder.build().internal;
  const logger = defaultLogger().child({ test: 'global' });
  const task = new GlobalTask(internal.globalStores.values(), {
    applicationId: 'global',
    builder: internal,
    metrics: new StreamsMetrics(),
    defaultKeySerde: undefined,
    defaultValueSerde: undefined,
    errorHandling: resolveErrorHandling('global', { deserializationExceptionHandler: options.onBadRecord }),
    recordCache: null,
    applicationStateDir: stateDir,
    globalStateDir: join(stateDir, 'global'),
    logger,
    wallClockMs: Date.now,
  });
  const global = new GlobalStateUpdater(task, new Map([['products', 3]]), new MemoryTransport(cluster), {
    clientId: 'global-consumer',
    eos: true,
    commitIntervalMs: 50,
    taskTimeoutMs: 5_000,
    logger,
    restoreListener: () => options.listener ?? null,
  });
  const store = () =>
    global.stores.get('products') as KeyValueStore<string, ValueAndTimestamp<{ price: number }>>;
  return { global, store };
}

function produce(cluster: string, from: number, to: number, price: (i: number) => number | null): void {
  const records = [];
  for (let i = from; i < to; i++) {
    const p = price(i);
    records.push({ key: `p${i}`, value: p === null ? null : { price: p }, timestampMs: 1_000 + i });
  }
  EmbeddedLog.named(cluster).produce('products', records, S, Serdes.Json<{ price: number }>());
}

describe('GlobalStateUpdater', () => {
  it('start() resolves only once the store holds the whole topic (before anything else runs)', async () => {
    const cluster = `global-${seq++}`;
    EmbeddedLog.named(cluster).createTopic('products', 3);
    // More than one poll's worth, so a background catch-up could not finish within start().
    produce(cluster, 0, 25_000, (i) => i);
    produce(cluster, 0, 25_000, (i) => (i % 5 === 0 ? null : i * 2));
    const { global, store } = updater(cluster, mkdtempSync(join(tmpdir(), 'rivulet-global-')));
    await global.start();
    // Synchronously after start(): no event-loop turn for a background loop to help.
    expect(store().approximateNumEntries()).toBe(20_000);
    expect(store().get('p7')).toEqual({ value: { price: 14 }, timestampMs: 1_007 });
    expect(store().get('p10')).toBeNull();
    produce(cluster, 25_000, 25_010, (i) => i);
    const deadline = Date.now() + 5_000;
    while (store().get('p25009') === null && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(store().get('p25009')?.value).toEqual({ price: 25_009 });
    await global.close();
    EmbeddedLog.reset(cluster);
  });

  it('a persistent store resumes from its checkpoint; an in-memory one reads its topic from the start', async () => {
    for (const storeType of ['persistent', 'in-memory'] as const) {
      const cluster = `global-${seq++}`;
      const stateDir = mkdtempSync(join(tmpdir(), 'rivulet-global-'));
      EmbeddedLog.named(cluster).createTopic('products', 3);
      produce(cluster, 0, 300, (i) => i);
      const first = updater(cluster, stateDir, { storeType });
      await first.global.start();
      await first.global.close();
      produce(cluster, 300, 330, (i) => i);
      const starts: number[] = [];
      let restored = 0;
      const second = updater(cluster, stateDir, {
        storeType,
        listener: {
          onRestoreStart: (_tp, _store, startingOffset) => starts.push(startingOffset),
          onRestoreEnd: (_tp, _store, total) => {
            restored += total;
          },
        },
      });
      await second.global.start();
      expect(second.store().approximateNumEntries()).toBe(330);
      expect(restored).toBe(storeType === 'persistent' ? 30 : 330);
      if (storeType === 'in-memory') expect(starts).toEqual([0, 0, 0]);
      else expect(starts.every((s) => s > 0)).toBe(true);
      await second.global.close();
      EmbeddedLog.reset(cluster);
    }
  });

  it('a record that cannot be deserialized fails the update, naming the store and offset, unless the handler is continue', async () => {
    for (const onBadRecord of ['fail', 'continue'] as const) {
      const cluster = `global-${seq++}`;
      const log = EmbeddedLog.named(cluster).createTopic('products', 3);
      produce(cluster, 0, 3, (i) => i);
      log.produce('products', [{ key: 'bad', value: 'not json{' }], S, S);
      const stateDir = mkdtempSync(join(tmpdir(), 'rivulet-global-'));
      const { global, store } = updater(cluster, stateDir, { onBadRecord });
      if (onBadRecord === 'fail') {
        await expect(global.start()).rejects.toThrow(
          /global store products: cannot deserialize the record at products-\d offset \d/,
        );
      } else {
        await global.start();
        expect(store().approximateNumEntries()).toBe(3);
      }
      await global.close();
      // A store that stopped part-way through a batch is not vouched for: the next start reads from the start.
      expect(existsSync(join(stateDir, 'global', '.checkpoint'))).toBe(onBadRecord === 'continue');
      EmbeddedLog.reset(cluster);
    }
  });
});
