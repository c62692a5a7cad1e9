import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { schemaRegistryForFile } from '../../../test/schema-registry-for-file.js';
import { type Serde, SerializationError } from '../serde.js';
import { SchemaRegistrySerdes } from './schema-registry-serdes.js';

// Against a real Apicurio Registry through its Confluent-compatible API (test/schema-registry.ts).
const registry = schemaRegistryForFile();

const ORDER_V1 = {
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'qty', type: 'int' },
  ],
};
const ORDER_V2 = { ...ORDER_V1, fields: [...ORDER_V1.fields, { name: 'note', type: 'string', default: '' }] };

interface Order {
  id: string;
  qty: number;
  note?: string;
}

let seq = 0;
const topic = (name: string) => `${name}-${seq++}`;

async function api(path: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(registry().url + path, {
    ...init,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
  });
  const body = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${body}`);
  return JSON.parse(body);
}

function avroSerde<T>(options: Omit<Parameters<typeof SchemaRegistrySerdes.avro>[0], 'registry'>): Serde<T> {
  return SchemaRegistrySerdes.avro<T>({ registry: { url: registry().url }, ...options });
}

describe('SchemaRegistrySerdes.avro', () => {
  it('writes Confluent wire format: magic 0, the id the registry gave the subject, Avro binary', async () => {
    const t = topic('orders');
    const serde = avroSerde<Order>({ schema: ORDER_V1 });
    await serde.prepare!(t, 'write');
    const registered = (await api(`/subjects/${t}-value/versions/latest`)) as { id: number };
    const bytes = serde.serialize(t, { id: 'o-1', qty: 3 })!;
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(registered.id);
    expect(bytes.subarray(5)).toEqual(
      avro.Type.forSchema(ORDER_V1 as avro.Schema).toBuffer({ id: 'o-1', qty: 3 }),
    );
    expect({ ...serde.deserialize(t, bytes) }).toEqual({ id: 'o-1', qty: 3 });
    expect(serde.serialize(t, null)).toBeNull();
    expect(serde.deserialize(t, null)).toBeNull();
  });

  it('names subjects by the strategy: topic (key and value), record, topic-record', async () => {
    const t = topic('strategies');
    const keySchema = {
      type: 'record',
      name: 'OrderKey',
      namespace: 'shop',
      fields: [{ name: 'id', type: 'string' }],
    };
    await avroSerde({ schema: keySchema, isKey: true }).prepare!(t, 'write');
    await avroSerde({ schema: ORDER_V1 }).prepare!(t, 'write');
    await avroSerde({ schema: keySchema, subjectNameStrategy: 'record' }).prepare!(t, 'write');
    await avroSerde({ schema: ORDER_V1, subjectNameStrategy: 'topic-record' }).prepare!(t, 'write');
    const subjects = (await api('/subjects')) as string[];
    expect(subjects).toEqual(
      expect.arrayContaining([`${t}-key`, `${t}-value`, 'shop.OrderKey', `${t}-shop.Order`]),
    );
    expect(() =>
      avroSerde({ schema: { type: 'string' }, subjectNameStrategy: 'record' }).serialize(t, 'x'),
    ).toThrow(/strategy 'record' needs a named record schema/);
  });

  it('reads records of an older and of a newer compatible schema (reader/writer resolution)', async () => {
    const t = topic('evolution');
    const v1 = avroSerde<Order>({ schema: ORDER_V1 });
    const v2 = avroSerde<Order>({ schema: ORDER_V2 });
    await v1.prepare!(t, 'write');
    await v1.prepare!(t, 'read');
    const old = v1.serialize(t, { id: 'a', qty: 1 })!;
    await v2.prepare!(t, 'write');
    const newer = v2.serialize(t, { id: 'b', qty: 2, note: 'gift' })!;
    expect(newer.readInt32BE(1)).not.toBe(old.readInt32BE(1));
    // v2 reads v1's record with the default; v1 (prepared before v2 existed) meets an unseen id
    // and reads v2's record without the new field.
    expect({ ...v2.deserialize(t, old) }).toEqual({ id: 'a', qty: 1, note: '' });
    expect({ ...v1.deserialize(t, newer) }).toEqual({ id: 'b', qty: 2 });
  });

  it('a record that cannot be read names the subject, the version and the field', async () => {
    const t = topic('unreadable');
    const writer = avroSerde<Order>({ schema: ORDER_V1 });
    await writer.prepare!(t, 'write');
    const bytes = writer.serialize(t, { id: 'a', qty: 1 })!;
    const wrongId = { ...ORDER_V1, fields: [{ name: 'id', type: 'int' }] };
    const reader = avroSerde<unknown>({ schema: wrongId, autoRegister: false });
    expect(() => reader.deserialize(t, bytes)).toThrow(SerializationError);
    expect(() => reader.deserialize(t, bytes)).toThrow(
      new RegExp(`subject ${t}-value version 1.*field 'id' was written as string and cannot be read as int`),
    );
  });

  it('an incompatible schema is refused at prepare, naming the subject and the rule', async () => {
    const t = topic('compat');
    await avroSerde({ schema: ORDER_V1 }).prepare!(t, 'write');
    await api(`/config/${t}-value`, { method: 'PUT', body: JSON.stringify({ compatibility: 'BACKWARD' }) });
    const breaking = { ...ORDER_V1, fields: [...ORDER_V1.fields, { name: 'required', type: 'string' }] };
    await expect(avroSerde({ schema: breaking }).prepare!(t, 'write')).rejects.toThrow(
      new RegExp(`subject ${t}-value refused the Avro schema.*compatibility rule BACKWARD.*required`),
    );
  });

  it('autoRegister off: an unregistered schema is an error naming the subject and the fix; a registered one is found', async () => {
    const t = topic('no-auto');
    await expect(avroSerde({ schema: ORDER_V1, autoRegister: false }).prepare!(t, 'write')).rejects.toThrow(
      new RegExp(`not registered under subject ${t}-value, and autoRegister is off`),
    );
    await avroSerde({ schema: ORDER_V1 }).prepare!(t, 'write');
    const lookedUp = avroSerde<Order>({ schema: ORDER_V1, autoRegister: false });
    await lookedUp.prepare!(t, 'write');
    const { id } = (await api(`/subjects/${t}-value/versions/1`)) as { id: number };
    expect(lookedUp.serialize(t, { id: 'x', qty: 1 })!.readInt32BE(1)).toBe(id);
  });

  it('useLatest writes and reads with the subject latest version', async () => {
    const t = topic('latest');
    await avroSerde({ schema: ORDER_V1 }).prepare!(t, 'write');
    await avroSerde({ schema: ORDER_V2 }).prepare!(t, 'write');
    const latest = avroSerde<Order>({ useLatest: true });
    await latest.prepare!(t, 'write');
    const { id } = (await api(`/subjects/${t}-value/versions/latest`)) as { id: number };
    const bytes = latest.serialize(t, { id: 'z', qty: 9, note: 'n' })!;
    expect(bytes.readInt32BE(1)).toBe(id);
    expect({ ...latest.deserialize(t, bytes) }).toEqual({ id: 'z', qty: 9, note: 'n' });
  });

  it('refuses bytes not in the wire format and values that do not fit, naming the field', async () => {
    const t = topic('bad');
    const serde = avroSerde<unknown>({ schema: ORDER_V1 });
    await serde.prepare!(t, 'write');
    expect(() => serde.deserialize(t, Buffer.from('{"id":"a"}'))).toThrow(
      /not in the schema registry's wire format/,
    );
    expect(() => serde.serialize(t, { id: 'a', qty: 'three' })).toThrow(
      new RegExp(`subject ${t}-value.*field 'qty' is "three", not a valid int`),
    );
  });

  it('a registry that does not answer is an error naming its URL', async () => {
    const serde = SchemaRegistrySerdes.avro({
      registry: { url: 'http://127.0.0.1:9', requestTimeoutMs: 2_000 },
      schema: ORDER_V1,
    });
    await expect(serde.prepare!('t', 'write')).rejects.toThrow(/schema registry http:\/\/127\.0\.0\.1:9/);
    expect(() => serde.serialize('t', { id: 'a', qty: 1 })).toThrow(
      /schema registry http:\/\/127\.0\.0\.1:9/,
    );
  });
});

describe('SchemaRegistrySerdes.jsonSchema', () => {
  const PAYMENT = {
    title: 'Payment',
    type: 'object',
    properties: { orderId: { type: 'string' }, amount: { type: 'number' } },
    required: ['orderId', 'amount'],
    additionalProperties: false,
  };

  it('writes magic 0, the schema id and UTF-8 JSON; validates when writing, naming the path', async () => {
    const t = topic('payments');
    const serde = SchemaRegistrySerdes.jsonSchema<{ orderId: string; amount: number }>({
      registry: { url: registry().url },
      schema: PAYMENT,
    });
    await serde.prepare!(t, 'write');
    const registered = (await api(`/subjects/${t}-value/versions/latest`)) as {
      id: number;
      schemaType: string;
    };
    expect(registered.schemaType).toBe('JSON');
    const bytes = serde.serialize(t, { orderId: 'o-1', amount: 12.5 })!;
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(registered.id);
    expect(JSON.parse(bytes.subarray(5).toString('utf8'))).toEqual({ orderId: 'o-1', amount: 12.5 });
    expect(serde.deserialize(t, bytes)).toEqual({ orderId: 'o-1', amount: 12.5 });
    expect(() => serde.serialize(t, { orderId: 'o-1', amount: 'lots' } as never)).toThrow(
      /does not match the JSON Schema: \/amount must be number/,
    );
    expect(() => serde.serialize(t, { orderId: 'o-1', amount: 1, tip: 2 } as never)).toThrow(
      /does not match the JSON Schema: \(the value\) must NOT have additional properties \('tip'\)/,
    );
  });
});
