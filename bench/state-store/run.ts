// Compares the persistent store candidates: `npm run bench:state-store -- [--records N] [--rounds R]`.
// Each backend runs in its own process, rounds alternate the order (A-B-C, C-B-A, ...), and the
// median per measure is reported, with a Markdown table and bench/results/<date>-state-store.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { records: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '3' } },
});
const records = Number(values.records);
const rounds = Number(values.rounds);
const backends = ['lmdb', 'classic-level', 'rocksdb'];
const measures = [
  'putsPerSec',
  'hotGetsPerSec',
  'coldGetsPerSec',
  'scansPerSec',
  'restorePerSec',
  'peakRssMb',
] as const;
type Result = Record<(typeof measures)[number], number> & { backend: string; syncReads: boolean };

const root = resolve(import.meta.dirname, '../..');
const results = new Map<string, Result[]>(backends.map((b) => [b, []]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? backends : [...backends].reverse();
  for (const backend of order) {
    process.stderr.write(`round ${round + 1}/${rounds}: ${backend} with ${records} records...\n`);
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/state-store/measure-backend.ts',
        backend,
        String(records),
        join(tmpdir(), `rivulet-bench-${process.pid}`),
      ],
      { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    results.get(backend)!.push(JSON.parse(out.trim().split('\n').pop()!) as Result);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = backends.map((backend) => {
  const runs = results.get(backend)!;
  return {
    backend,
    syncReads: runs[0]!.syncReads,
    ...Object.fromEntries(measures.map((m) => [m, median(runs.map((r) => r[m]))])),
    ranges: Object.fromEntries(
      measures.map((m) => [m, [Math.min(...runs.map((r) => r[m])), Math.max(...runs.map((r) => r[m]))]]),
    ),
  };
});

const fmt = (n: number) => n.toLocaleString('en-US');
console.log(
  `\n${records.toLocaleString('en-US')} records, 100-byte values, batches of 10,000; median of ${rounds} rounds (ops/s)\n`,
);
console.log(
  '| backend | sync get + range | puts/s | hot gets/s | cold gets/s | 10-key scans/s | restore records/s | peak RSS MB |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const s of summary) {
  const r = s as unknown as Result;
  console.log(
    `| ${s.backend} | ${s.syncReads ? 'yes' : 'no'} | ${fmt(r.putsPerSec)} | ${fmt(r.hotGetsPerSec)} | ${fmt(r.coldGetsPerSec)} | ${fmt(r.scansPerSec)} | ${fmt(r.restorePerSec)} | ${r.peakRssMb} |`,
  );
}
mkdirSync(join(root, 'bench/results'), { recursive: true });
const file = join(root, 'bench/results', `${new Date().toISOString().slice(0, 10)}-state-store.json`);
writeFileSync(
  file,
  `${JSON.stringify({ records, rounds, machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, summary, runs: Object.fromEntries(results) }, null, 2)}\n`,
);
console.log(`\nwrote ${file}`);
