// Key lookups over HTTP: requests per second and latency of the query server for keys the asked
// instance hosts (local) and keys it forwards to the other instance (forwarded). Two instances of a
// table of 10,000 keys on memory://, each with its query server, in this process; the load comes
// from autocannon in a child process (the machine's other core).
//   npm run bench:queries -- [--seconds N] [--connections N] [--quick]
// (--quick: 1 s per case and no results file, so a test can check that the runner still works)
// Prints the table and writes bench/results/<date>-query-server.json.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { Consumed, EmbeddedLog, KafkaStreams, Materialized, Serdes, StreamsBuilder } from 'rivulet';
import { type QueryServer, startQueryServer } from 'rivulet/interactive-queries';
import { freePort } from '../../test/free-port.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    quick: { type: 'boolean', default: false },
  },
});
const seconds = values.quick ? 1 : Number(values.seconds);
const connections = Number(values.connections);
if (!(seconds > 0) || !(Number.isInteger(connections) && connections > 0)) {
  console.error(
    `--seconds must be > 0 and --connections a whole number > 0 (got '${values.seconds}', '${values.connections}')`,
  );
  process.exit(2);
}

// The engine's own log shows warnings and errors only (RIVULET_LOG_LEVEL=info shows everything).
process.env.RIVULET_LOG_LEVEL ??= 'warn';
const ROOT = resolve(import.meta.dirname, '../..');
const KEYS = 10_000;
const TOPIC = 'profiles';
const STORE = 'profiles-store';
const S = Serdes.String();

interface Case {
  readonly name: 'local' | 'forwarded';
  readonly requestsPerSec: number;
  readonly latencyMs: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  };
  readonly requests: number;
  readonly errors: number;
  readonly non2xx: number;
}

const clusterName = `query-bench-${process.pid}`;
const log = EmbeddedLog.named(clusterName).createTopic(TOPIC, 4);
log.produce(
  TOPIC,
  Array.from({ length: KEYS }, (_, i) => ({
    key: `user-${i}`,
    value: JSON.stringify({ id: i, name: `user ${i}`, tier: i % 3 }),
  })),
  S,
  S,
);

const stateDir = mkdtempSync(join(tmpdir(), 'rivulet-query-bench-'));
const instances: { streams: KafkaStreams; server: QueryServer }[] = [];
try {
  for (const id of ['a', 'b']) {
    const builder = new StreamsBuilder();
    builder.table(TOPIC, Consumed.with(S, S), Materialized.as<string, string>(STORE));
    const port = await freePort();
    const streams = new KafkaStreams(builder.build(), {
      applicationId: 'query-bench',
      bootstrapServers: `memory://${clusterName}`,
      instanceId: id,
      stateDir: join(stateDir, id),
      applicationServer: `127.0.0.1:${port}`,
    });
    const server = await startQueryServer(streams, { port });
    await streams.start();
    instances.push({ streams, server });
  }
  for (const { streams } of instances) await streams.waitForState('RUNNING', 60_000);
  const [a] = instances;
  const paths = await pathsByOwner(a!.streams, a!.server);
  const cases: Case[] = [];
  for (const name of ['local', 'forwarded'] as const) {
    console.error(`${name}: ${paths[name].length} keys, ${connections} connections, ${seconds} s …`);
    cases.push(await load(name, a!.server.url, paths[name]));
  }
  report(cases);
} finally {
  for (const { server, streams } of instances) {
    await server.close();
    await streams.close();
  }
  rmSync(stateDir, { recursive: true, force: true });
}

/** The key paths of instance a: the ones it hosts, the ones it forwards (once every key answers). */
async function pathsByOwner(streams: KafkaStreams, server: QueryServer) {
  const self = streams.metadataForAllStreamsClients().find((m) => m.hostInfo === server.address);
  const paths = { local: [] as string[], forwarded: [] as string[] };
  for (let i = 0; i < KEYS; i++) {
    const key = `user-${i}`;
    const metadata = streams.queryMetadataForKey(STORE, key, S);
    const path = `/stores/${STORE}/keys/${key}`;
    (metadata.activeHost?.instanceId === self?.instanceId ? paths.local : paths.forwarded).push(path);
  }
  // Every key answers before the clock starts.
  for (const path of [paths.local.at(-1)!, paths.forwarded.at(-1)!]) {
    for (let tries = 0; (await fetch(server.url + path)).status !== 200; tries++) {
      if (tries > 200) throw new Error(`${path} did not answer 200`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return paths;
}

/** Runs autocannon in a child process (asynchronously: the servers answer from this event loop). */
async function load(name: Case['name'], url: string, paths: readonly string[]): Promise<Case> {
  const file = join(stateDir, `${name}-paths.json`);
  writeFileSync(file, JSON.stringify(paths));
  const { stdout: output } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'load.ts'),
      url,
      file,
      String(seconds),
      String(connections),
    ],
    { encoding: 'utf8' },
  );
  const result = JSON.parse(output) as {
    requests: { average: number; total: number };
    latency: { p50: number; p90: number; p99: number; max: number };
    errors: number;
    non2xx: number;
  };
  return {
    name,
    requestsPerSec: result.requests.average,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    requests: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

function report(cases: readonly Case[]) {
  const local = cases.find((c) => c.name === 'local')!;
  const lines = [
    '| key lookup | req/s | p50 ms | p90 ms | p99 ms | max ms | errors + non-2xx |',
    '|---|---|---|---|---|---|---|',
    ...cases.map(
      (c) =>
        `| ${c.name} | ${Math.round(c.requestsPerSec).toLocaleString('en-US')} | ${c.latencyMs.p50} | ${c.latencyMs.p90} | ${c.latencyMs.p99} | ${c.latencyMs.max} | ${c.errors + c.non2xx} |`,
    ),
  ];
  const forwarded = cases.find((c) => c.name === 'forwarded')!;
  lines.push(
    '',
    `forwarded p99 / local p99: ${(forwarded.latencyMs.p99 / Math.max(local.latencyMs.p99, 1)).toFixed(2)}`,
  );
  console.log(lines.join('\n'));
  const failed = cases.filter((c) => c.errors + c.non2xx > 0 || c.requests === 0);
  if (failed.length > 0) {
    console.error(`requests failed in: ${failed.map((c) => c.name).join(', ')}`);
    process.exitCode = 1;
  }
  if (values.quick) return;
  const date = new Date().toISOString().slice(0, 10);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(
    join(ROOT, `bench/results/${date}-query-server.json`),
    `${JSON.stringify({ date, keys: KEYS, seconds, connections, cases }, null, 2)}\n`,
  );
  console.error(`wrote bench/results/${date}-query-server.json`);
}
