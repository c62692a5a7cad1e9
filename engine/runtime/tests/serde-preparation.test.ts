import { describe, expect, it } from 'vitest';
import { schemaRegistryForFile } from '../../../test/schema-registry-for-file.js';
import {
  ConfigError,
  Consumed,
  EmbeddedLog,
  KafkaStreams,
  Produced,
  SchemaRegistrySerdes,
  Serdes,
  StreamsBuilder,
} from '../../index.js';
import { waitUntil } from './wait-until.js';

// KafkaStreams.start() prepares every source's and sink's serde before the first record: a
// registry serde fetches its schema ids there, and a refusal rejects start.
const registry = schemaRegistryForFile();

const S = Serdes.String();
const ORDER = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'qty', type: 'int' },
  ],
};
const LINE_COUNT = {
  type: 'record',
  name: 'LineCount',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'lines', type: 'int' },
  ],
};

interface Order {
  id: string;
  qty: number;
}

let seq = 0;

function topology(outTopic: string, outSchema: object) {
  const builder = new StreamsBuilder();
  const url = registry().url;
  builder
    .stream<string, Order>(
      'orders',
      Consumed.with(S, SchemaRegistrySerdes.avro<Order>({ registry: { url }, schema: ORDER })),
    )
    .mapValues((o) => ({ id: o.id, lines: o.qty }))
    .to(outTopic, Produced.with(S, SchemaRegistrySerdes.avro({ registry: { url }, schema: outSchema })));
  return builder.build();
}

async function subjects(): Promise<string[]> {
  return (await (await fetch(`${registry().url}/subjects`)).json()) as string[];
}

describe('serdes prepared at start', () => {
  it('registers the sink schema before any record, and the topology reads and writes the wire format', async () => {
    const cluster = `prepare-${seq++}`;
    const log = EmbeddedLog.named(cluster).createTopic('orders', 1).createTopic('line-counts', 1);
    const streams = new KafkaStreams(topology('line-counts', LINE_COUNT), {
      applicationId: cluster,
      bootstrapServers: `memory://${cluster}`,
    });
    expect(await subjects()).not.toContain('line-counts-value');
    await streams.start();
    try {
      expect(await subjects()).toContain('line-counts-value');
      const writer = SchemaRegistrySerdes.avro<Order>({ registry: { url: registry().url }, schema: ORDER });
      await writer.prepare!('orders', 'write');
      log.produce('orders', [{ key: 'o-1', value: { id: 'o-1', qty: 3 } }], S, writer);
      const reader = SchemaRegistrySerdes.avro<{ id: string; lines: number }>({
        registry: { url: registry().url },
      });
      await waitUntil(() => log.read('line-counts', S, reader).length === 1, 5_000, 'the line count');
      const [out] = log.read('line-counts', S, reader);
      expect({ key: out!.key, value: { ...out!.value } }).toEqual({
        key: 'o-1',
        value: { id: 'o-1', lines: 3 },
      });
    } finally {
      await streams.close();
    }
  });

  it('a schema version registered after start is fetched at its first record and read as the source schema', async () => {
    const cluster = `prepare-${seq++}`;
    const log = EmbeddedLog.named(cluster).createTopic('new-orders', 1).createTopic('new-line-counts', 1);
    const url = registry().url;
    const v1 = SchemaRegistrySerdes.avro<Order>({ registry: { url }, schema: ORDER });
    await v1.prepare!('new-orders', 'write');
    const builder = new StreamsBuilder();
    builder
      .stream<string, Order>(
        'new-orders',
        Consumed.with(S, SchemaRegistrySerdes.avro<Order>({ registry: { url }, schema: ORDER })),
      )
      .mapValues((o) => ({ id: o.id, lines: o.qty }))
      .to(
        'new-line-counts',
        Produced.with(S, SchemaRegistrySerdes.avro({ registry: { url }, schema: LINE_COUNT })),
      );
    const streams = new KafkaStreams(builder.build(), {
      applicationId: cluster,
      bootstrapServers: `memory://${cluster}`,
    });
    await streams.start();
    try {
      log.produce('new-orders', [{ key: 'o-1', value: { id: 'o-1', qty: 1 } }], S, v1);
      // Another service registers version 2 (a new field with a default) and writes with it.
      const orderV2 = { ...ORDER, fields: [...ORDER.fields, { name: 'note', type: 'string', default: '' }] };
      const v2 = SchemaRegistrySerdes.avro<Order & { note: string }>({ registry: { url }, schema: orderV2 });
      await v2.prepare!('new-orders', 'write');
      log.produce('new-orders', [{ key: 'o-2', value: { id: 'o-2', qty: 2, note: 'gift' } }], S, v2);
      const reader = SchemaRegistrySerdes.avro<{ id: string; lines: number }>({ registry: { url } });
      await waitUntil(() => log.read('new-line-counts', S, reader).length === 2, 10_000, 'both line counts');
      expect(log.read('new-line-counts', S, reader).map((r) => ({ ...r.value }))).toEqual([
        { id: 'o-1', lines: 1 },
        { id: 'o-2', lines: 2 },
      ]);
      expect(streams.state()).toBe('RUNNING');
    } finally {
      await streams.close();
    }
  });

  it('an incompatible sink schema rejects start, naming the sink, the subject and the rule', async () => {
    const earlier = SchemaRegistrySerdes.avro({ registry: { url: registry().url }, schema: LINE_COUNT });
    await earlier.prepare!('checked-line-counts', 'write');
    await fetch(`${registry().url}/config/checked-line-counts-value`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ compatibility: 'BACKWARD' }),
    });
    const breaking = { ...LINE_COUNT, fields: [...LINE_COUNT.fields, { name: 'warehouse', type: 'string' }] };
    const cluster = `prepare-${seq++}`;
    EmbeddedLog.named(cluster).createTopic('orders', 1).createTopic('checked-line-counts', 1);
    const streams = new KafkaStreams(topology('checked-line-counts', breaking), {
      applicationId: cluster,
      bootstrapServers: `memory://${cluster}`,
    });
    const started = streams.start();
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(
      /sink .* \(topic checked-line-counts\): its serde could not be prepared: subject checked-line-counts-value refused the Avro schema.*rule BACKWARD/,
    );
    await streams.close();
  });
});
