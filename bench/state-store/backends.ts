import { RocksLevel } from '@nxtedition/rocksdb';
import { ClassicLevel } from 'classic-level';
import { open as openLmdb } from 'lmdb';

/**
 * The three candidate persistent backends behind one small interface, as the state-store layer
 * needs them: a batch write per commit, point reads, and a 10-key range scan from a start key.
 * `syncReads` says whether reads can run on the synchronous per-record path.
 */
export interface BenchBackend {
  readonly name: string;
  readonly syncReads: boolean;
  writeBatch(entries: readonly [Buffer, Buffer][]): Promise<void>;
  get(key: Buffer): Buffer | undefined | Promise<Buffer | undefined>;
  scan(from: Buffer, limit: number): number | Promise<number>;
  close(): Promise<void>;
}

export async function openBackend(name: string, path: string): Promise<BenchBackend> {
  switch (name) {
    case 'lmdb': {
      const db = openLmdb<Buffer, Buffer>({
        path,
        keyEncoding: 'binary',
        encoding: 'binary',
        compression: false,
        // The changelog is the durable copy (Kafka Streams runs RocksDB without its WAL): no fsync per commit.
        noSync: true,
      });
      return {
        name,
        syncReads: true,
        async writeBatch(entries) {
          db.transactionSync(() => {
            for (const [k, v] of entries) db.put(k, v);
          });
        },
        get: (key) => db.getBinary(key) ?? undefined,
        scan(from, limit) {
          let n = 0;
          for (const _ of db.getRange({ start: from, limit })) n++;
          return n;
        },
        close: () => db.close(),
      };
    }
    case 'classic-level': {
      const db = new ClassicLevel<Buffer, Buffer>(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
      await db.open();
      return {
        name,
        // getSync exists; range iteration is async only.
        syncReads: false,
        async writeBatch(entries) {
          await db.batch(entries.map(([key, value]) => ({ type: 'put' as const, key, value })));
        },
        get: (key) => db.getSync(key) ?? undefined,
        async scan(from, limit) {
          const it = db.iterator({ gte: from, limit });
          const rows = await it.nextv(limit);
          await it.close();
          return rows.length;
        },
        close: () => db.close(),
      };
    }
    case 'rocksdb': {
      const db = new RocksLevel(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
      await db.open();
      // Synchronous reads exist only as internals (_getManySync, the iterator's _nextvSync).
      type SyncRocks = { _getManySync(keys: Buffer[], options: object): (Buffer | undefined)[] };
      type SyncIterator = {
        _nextvSync(size: number, options: object): { rows: Buffer[] };
        close(): Promise<void>;
      };
      return {
        name,
        syncReads: false,
        async writeBatch(entries) {
          await db.batch(entries.map(([key, value]) => ({ type: 'put' as const, key, value })));
        },
        get: (key) => (db as unknown as SyncRocks)._getManySync([key], {})[0] ?? undefined,
        scan(from, limit) {
          const it = db.iterator({ gte: from, limit }) as unknown as SyncIterator;
          const n = it._nextvSync(limit, {}).rows.length / 2;
          void it.close();
          return n;
        },
        close: () => db.close(),
      };
    }
    default:
      throw new Error(`unknown backend '${name}': use lmdb, classic-level or rocksdb`);
  }
}
