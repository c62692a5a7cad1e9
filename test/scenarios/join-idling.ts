import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Consumed, KafkaStreams, Materialized, Produced, Serdes, StreamsBuilder } from 'rivulet';
import type { TestCluster } from './test-cluster.js';

const S = Serdes.String();

/**
 * KIP-695: a stream-table join with the default maxTaskIdleMs 0 reads a table that is still on the
 * broker before the stream records that come after it in time. The table topic holds many more
 * records than one poll, all older than every stream record; an instance that processed a stream
 * record while its table partition still had records waiting would join it with "?". Returns the
 * stream records that did not join their table row (empty: all good).
 */
export async function joinIdlingScenario(
  cluster: TestCluster,
  options: {
    applicationId: string;
    tableRows: number;
    streamRecords: number;
    guarantee: 'at_least_once' | 'exactly_once_v2';
    /** Padding per table row, so the table takes many fetches of a broker (1 MB per partition each). */
    rowPaddingBytes?: number;
  },
): Promise<string[]> {
  const table = `${options.applicationId}-table`;
  const stream = `${options.applicationId}-stream`;
  const output = `${options.applicationId}-joined`;
  for (const topic of [table, stream, output]) await cluster.createTopic(topic, 4);
  const t0 = Date.now() - 60_000;
  const padding = '.'.repeat(options.rowPaddingBytes ?? 0);
  const rows = [];
  for (let i = 0; i < options.tableRows; i++)
    rows.push({
      key: Buffer.from(`k${i % 500}`),
      value: Buffer.from(`v${i}|${padding}`),
      timestampMs: t0 + Math.floor(i / 100),
    });
  await cluster.produce(table, rows);
  const latest = new Map<string, string>();
  for (const r of rows) latest.set(r.key.toString(), r.value.toString().split('|')[0]!);
  const records = [];
  for (let i = 0; i < options.streamRecords; i++)
    records.push({
      key: Buffer.from(`k${i % 500}`),
      value: Buffer.from(`s${i}`),
      timestampMs: t0 + 50_000 + i,
    });
  await cluster.produce(stream, records);

  const builder = new StreamsBuilder();
  const rowsTable = builder.table(table, Consumed.with(S, S), Materialized.as<string, string>('rows'));
  builder
    .stream<string, string>(stream, Consumed.with(S, S))
    .leftJoin(rowsTable, (value, row) => `${value}=${row?.split('|')[0] ?? '?'}`)
    .to(output, Produced.with(S, S));
  const streams = new KafkaStreams(builder.build(), {
    applicationId: options.applicationId,
    bootstrapServers: cluster.bootstrapServers,
    stateDir: mkdtempSync(join(tmpdir(), 'rivulet-join-idling-')),
    processingGuarantee: options.guarantee,
    maxTaskIdleMs: 0,
    maxPollRecords: 200,
  });
  try {
    await streams.start();
    const deadline = Date.now() + 90_000;
    let joined: { key: string; value: string }[] = [];
    while (Date.now() < deadline) {
      joined = (await cluster.readAll(output)).map((r) => ({
        key: r.key!.toString(),
        value: r.value!.toString(),
      }));
      if (joined.length >= options.streamRecords) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (joined.length < options.streamRecords)
      return [`only ${joined.length} of ${options.streamRecords} stream records came out`];
    return joined
      .filter(({ key, value }) => !value.endsWith(`=${latest.get(key)}`))
      .map(({ key, value }) => `${key}: ${value} (table row ${latest.get(key)})`);
  } finally {
    await streams.close();
  }
}
