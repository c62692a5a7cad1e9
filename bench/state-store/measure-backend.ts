// One backend's measurements, in a process of its own (so RSS is its own). Prints one JSON line.
// Usage: node --import tsx bench/state-store/measure-backend.ts <lmdb|classic-level|rocksdb> <records> <dir>
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openBackend } from './backends.js';

const [name = 'lmdb', recordsArg = '1000000', dir = '/tmp/rivulet-bench-state'] = process.argv.slice(2);
const N = Number(recordsArg);
const BATCH = 10_000; // one commit's writes
const VALUE = Buffer.alloc(100, 7);
const SCANS = Math.max(1, Math.floor(N / 10));

// Keys in a fixed pseudo-random order (a multiplicative permutation), 16 bytes each.
const key = (i: number) => Buffer.from(`k${((i * 2654435761) % 4294967296).toString(16).padStart(15, '0')}`);
const rate = (ops: number, ms: number) => Math.round((ops / ms) * 1000);
const rssMb = () => Math.round(process.memoryUsage().rss / 1048576);

async function phaseWrite(path: string) {
  const db = await openBackend(name, path);
  const started = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    const entries: [Buffer, Buffer][] = [];
    for (let j = i; j < Math.min(N, i + BATCH); j++) entries.push([key(j), VALUE]);
    await db.writeBatch(entries);
  }
  return { db, ms: performance.now() - started };
}

async function phaseGets(db: Awaited<ReturnType<typeof openBackend>>, hotSet: number) {
  const started = performance.now();
  let found = 0;
  for (let i = 0; i < N; i++) {
    const k = key(hotSet > 0 ? (i * 7919) % hotSet : (i * 104729) % N);
    if ((await db.get(k)) !== undefined) found++;
  }
  if (found !== N) throw new Error(`${name}: ${N - found} keys missing`);
  return performance.now() - started;
}

async function main() {
  const path = join(dir, name);
  rmSync(path, { recursive: true, force: true });
  const { db, ms: putMs } = await phaseWrite(path);
  const syncReads = db.syncReads;
  const hotMs = await phaseGets(db, 10_000);
  await db.close();
  const reopened = await openBackend(name, path);
  const coldMs = await phaseGets(reopened, 0);
  const scanStarted = performance.now();
  let scanned = 0;
  for (let i = 0; i < SCANS; i++) scanned += await reopened.scan(key((i * 31) % N), 10);
  const scanMs = performance.now() - scanStarted;
  await reopened.close();
  // Restore: replaying a changelog into an empty store is the same batch-write path, from scratch.
  const restorePath = join(dir, `${name}-restore`);
  rmSync(restorePath, { recursive: true, force: true });
  const { db: restored, ms: restoreMs } = await phaseWrite(restorePath);
  await restored.close();
  console.log(
    JSON.stringify({
      backend: name,
      records: N,
      syncReads,
      putsPerSec: rate(N, putMs),
      hotGetsPerSec: rate(N, hotMs),
      coldGetsPerSec: rate(N, coldMs),
      scansPerSec: rate(SCANS, scanMs),
      scannedPerScan: scanned / SCANS,
      restorePerSec: rate(N, restoreMs),
      peakRssMb: rssMb(),
    }),
  );
  rmSync(dir, { recursive: true, force: true });
}

await main();
