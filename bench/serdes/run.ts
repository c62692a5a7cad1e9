// Avro against JSON: each serde's own throughput on the stateless workload's events, and the
// stateless workload (filter type=view → project 3 fields) on memory:// with each format end to
// end (the median of 3 rounds). The registry serdes run against a real Apicurio Registry
// (test/schema-registry.ts).
//   npm run bench:serdes -- [--records N] [--quick]
// (--quick: 2,000 records and no results file, so a test can check that the runner still works)
// Prints a table and writes bench/results/<date>-serdes.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  Consumed,
  EmbeddedLog,
  KafkaStreams,
  Produced,
  SchemaRegistrySerdes,
  type Serde,
  Serdes,
  StreamsBuilder,
} from 'rivulet';
import { startSchemaRegistry } from '../../test/schema-registry.js';
import { DEFAULT_SEED, type Event, inputRecords } from '../workloads/data.js';
import type { Projected } from '../workloads/topologies.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    quick: { type: 'boolean', default: false },
  },
});
const records = values.quick ? 2_000 : Number(values.records);
if (!(Number.isSafeInteger(records) && records > 0)) {
  console.error(`--records must be a positive whole number, got '${values.records}'`);
  process.exit(2);
}

const EVENT_SCHEMA = {
  type: 'record',
  name: 'Event',
  namespace: 'bench',
  fields: [
    { name: 'userId', type: 'int' },
    { name: 'itemId', type: 'int' },
    { name: 'type', type: { type: 'enum', name: 'EventType', symbols: ['view', 'cart', 'buy'] } },
    { name: 'amount', type: 'int' },
    { name: 'ts', type: 'long' },
  ],
};
const PROJECTED_SCHEMA = {
  type: 'record',
  name: 'Projected',
  namespace: 'bench',
  fields: [
    { name: 'userId', type: 'int' },
    { name: 'itemId', type: 'int' },
    { name: 'amount', type: 'int' },
  ],
};
const EVENT_JSON_SCHEMA = {
  title: 'Event',
  type: 'object',
  properties: {
    userId: { type: 'integer' },
    itemId: { type: 'integer' },
    type: { enum: ['view', 'cart', 'buy'] },
    amount: { type: 'integer' },
    ts: { type: 'integer' },
  },
  required: ['userId', 'itemId', 'type', 'amount', 'ts'],
};
const PROJECTED_JSON_SCHEMA = {
  title: 'Projected',
  type: 'object',
  properties: { userId: { type: 'integer' }, itemId: { type: 'integer' }, amount: { type: 'integer' } },
  required: ['userId', 'itemId', 'amount'],
};

interface Format {
  name: string;
  events: Serde<Event>;
  projected: Serde<Projected>;
}

interface SerdeResult {
  format: string;
  bytesPerRecord: number;
  serializePerSec: number;
  deserializePerSec: number;
}

interface StatelessResult {
  format: string;
  records: number;
  recordsPerSec: number;
  recordsPerCpuSec: number;
  /** How long `start()` took (a registry serde's `prepare` calls are in it); part of the run's time. */
  startMs: number;
}

const B = Serdes.Bytes();
const events: Event[] = [...inputRecords(DEFAULT_SEED, 'uniform', 'json', records)].map(
  (r) => JSON.parse(r.value.toString('utf8')) as Event,
);

/** Best of 3 passes (the first warms the JIT up), in operations per second. */
function opsPerSec(pass: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    pass();
    best = Math.min(best, performance.now() - started);
  }
  return Math.round(records / (best / 1000));
}

function measureSerde(format: Format): SerdeResult {
  const serde = format.events;
  const encoded = events.map((e) => serde.serialize('input', e)!);
  for (let i = 0; i < encoded.length; i++) {
    const back = serde.deserialize('input', encoded[i]!)!;
    if (back.userId !== events[i]!.userId || back.type !== events[i]!.type || back.ts !== events[i]!.ts)
      throw new Error(`${format.name}: record ${i} did not come back as written`);
  }
  return {
    format: format.name,
    bytesPerRecord: Math.round(encoded.reduce((n, b) => n + b.length, 0) / encoded.length),
    serializePerSec: opsPerSec(() => {
      for (const e of events) serde.serialize('input', e);
    }),
    deserializePerSec: opsPerSec(() => {
      for (const b of encoded) serde.deserialize('input', b);
    }),
  };
}

async function stateless(format: Format): Promise<StatelessResult> {
  const cluster = `bench-serdes-${format.name.replace(/\W+/g, '-')}-${Date.now()}`;
  const log = EmbeddedLog.named(cluster).createTopic('input', 4).createTopic('output', 4);
  log.produce(
    'input',
    events.map((e) => ({ key: null, value: e, timestampMs: e.ts })),
    B,
    format.events,
  );
  const builder = new StreamsBuilder();
  builder
    .stream<Buffer, Event>('input', Consumed.with(B, format.events))
    .filter((_k, e) => e.type === 'view')
    .mapValues((e): Projected => ({ userId: e.userId, itemId: e.itemId, amount: e.amount }))
    .to('output', Produced.with(B, format.projected));
  const streams = new KafkaStreams(builder.build(), {
    applicationId: cluster,
    bootstrapServers: `memory://${cluster}`,
    commitIntervalMs: 1000,
  });
  const views = events.filter((e) => e.type === 'view').length;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await streams.start();
  const startMs = Math.round(performance.now() - started);
  // Done when every event went through the source (reading the output to count it would cost more).
  const processed = async () =>
    Number(
      / (\d+)$/m.exec(
        await streams.metrics().getSingleMetricAsString('rivulet_processed_records_total'),
      )?.[1] ?? 0,
    );
  while ((await processed()) < records) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await streams.close();
  const out = log.read('output', B, format.projected);
  const amounts = out.reduce((n, r) => n + r.value!.amount, 0);
  const expected = events.filter((e) => e.type === 'view').reduce((n, e) => n + e.amount, 0);
  EmbeddedLog.reset(cluster);
  if (out.length !== views || amounts !== expected)
    throw new Error(`${format.name}: the stateless output is wrong (${out.length} of ${views} records)`);
  return {
    format: format.name,
    records,
    recordsPerSec: Math.round(records / seconds),
    recordsPerCpuSec: Math.round(records / ((used.user + used.system) / 1e6)),
    startMs,
  };
}

const registry = await startSchemaRegistry();
try {
  const url = registry.url;
  const formats: Format[] = [
    { name: 'JSON (Serdes.Json)', events: Serdes.Json<Event>(), projected: Serdes.Json<Projected>() },
    {
      name: 'Avro (Serdes.Avro)',
      events: Serdes.Avro<Event>(EVENT_SCHEMA),
      projected: Serdes.Avro<Projected>(PROJECTED_SCHEMA),
    },
    {
      name: 'Avro + registry',
      events: SchemaRegistrySerdes.avro<Event>({ registry: { url }, schema: EVENT_SCHEMA }),
      projected: SchemaRegistrySerdes.avro<Projected>({ registry: { url }, schema: PROJECTED_SCHEMA }),
    },
    {
      name: 'JSON Schema + registry',
      events: SchemaRegistrySerdes.jsonSchema<Event>({ registry: { url }, schema: EVENT_JSON_SCHEMA }),
      projected: SchemaRegistrySerdes.jsonSchema<Projected>({
        registry: { url },
        schema: PROJECTED_JSON_SCHEMA,
      }),
    },
  ];
  for (const f of formats) await f.events.prepare?.('input', 'write');

  const serdeResults: SerdeResult[] = [];
  const statelessResults: StatelessResult[] = [];
  for (const format of formats) {
    process.stderr.write(`${format.name}: ${records} events through the serde ...\n`);
    serdeResults.push(measureSerde(format));
  }
  // Rounds of every format in turn, so the machine's noise spreads over all; the median counts.
  const runs = formats.map((): StatelessResult[] => []);
  for (let round = 1; round <= 3; round++) {
    for (const [i, format] of formats.entries()) {
      process.stderr.write(`${format.name}: the stateless workload on memory://, round ${round} of 3 ...\n`);
      runs[i]!.push(await stateless(format));
    }
  }
  for (const r of runs) statelessResults.push(r.sort((a, b) => a.recordsPerSec - b.recordsPerSec)[1]!);

  const n = (x: number) => x.toLocaleString('en-US');
  console.log(`\n${n(records)} events, one process (${process.version})\n`);
  console.log(
    '| format | bytes per event | serialize/s | deserialize/s | stateless records/s | per CPU-second | start() ms |',
  );
  console.log('|---|---|---|---|---|---|---|');
  serdeResults.forEach((s, i) => {
    const w = statelessResults[i]!;
    console.log(
      `| ${s.format} | ${s.bytesPerRecord} | ${n(s.serializePerSec)} | ${n(s.deserializePerSec)} | ${n(w.recordsPerSec)} | ${n(w.recordsPerCpuSec)} | ${w.startMs} |`,
    );
  });
  if (!values.quick) {
    const dir = resolve(import.meta.dirname, '../results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${new Date().toISOString().slice(0, 10)}-serdes.json`);
    writeFileSync(
      file,
      `${JSON.stringify({ records, node: process.version, serdes: serdeResults, stateless: statelessResults, statelessRounds: runs }, null, 2)}\n`,
    );
    console.log(`\nwrote ${file}`);
  }
} finally {
  await registry.stop();
}
