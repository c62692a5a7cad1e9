import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { javaAvroPeer } from '../../../test/java-avro-peer.js';
import { type RunningRegistry, startSchemaRegistry } from '../../../test/schema-registry.js';
import { SchemaRegistrySerdes } from './schema-registry-serdes.js';

// Byte compatibility with Java: Apicurio's Kafka Avro serializer/deserializer (test/java-avro-peer)
// and rivulet's serde share one real registry and read each other's bytes.
let registry: RunningRegistry;
let peer: Awaited<ReturnType<typeof javaAvroPeer>>;
beforeAll(async () => {
  [registry, peer] = await Promise.all([startSchemaRegistry(), javaAvroPeer()]);
}, 600_000);
afterAll(async () => {
  await registry?.stop();
});

const SCHEMA = {
  type: 'record',
  name: 'OrderPlaced',
  namespace: 'shop.events',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'customerId', type: 'long' },
    { name: 'quantity', type: 'int' },
    { name: 'total', type: 'double' },
    { name: 'express', type: 'boolean' },
    { name: 'coupon', type: ['null', 'string'], default: null },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['PLACED', 'PAID', 'SHIPPED'] } },
  ],
};

interface OrderPlaced {
  orderId: string;
  customerId: number;
  quantity: number;
  total: number;
  express: boolean;
  coupon: string | null;
  tags: string[];
  status: 'PLACED' | 'PAID' | 'SHIPPED';
}

const orders = fc.record({
  orderId: fc.string({ maxLength: 12 }),
  customerId: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
  quantity: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  // -0 is left out: the JSON the Java peer is given cannot carry it.
  total: fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
  express: fc.boolean(),
  coupon: fc.option(fc.string({ maxLength: 8 }), { nil: null }),
  tags: fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
  status: fc.constantFrom('PLACED' as const, 'PAID' as const, 'SHIPPED' as const),
});

/** Avro's JSON encoding of a value (what the Java peer parses): a non-null union branch is wrapped. */
function avroJson(order: OrderPlaced): string {
  return JSON.stringify({ ...order, coupon: order.coupon === null ? null : { string: order.coupon } });
}

const sample = () => fc.sample(orders, { numRuns: 200, seed: 42 });

describe('Avro byte compatibility with Java (Apicurio serdes, Confluent wire format)', {
  timeout: 120_000,
}, () => {
  it('rivulet reads what Java wrote, and writes the very same bytes for the same records', async () => {
    const topic = 'java-wrote';
    const values = sample();
    const schemaFile = join(mkdtempSync(join(tmpdir(), 'rivulet-avro-')), 'order.avsc');
    writeFileSync(schemaFile, JSON.stringify(SCHEMA));
    const javaBytes = (
      await peer(['write', registry.serverUrl, topic, schemaFile], values.map(avroJson))
    ).map((line) => Buffer.from(line, 'hex'));
    expect(javaBytes).toHaveLength(values.length);

    // Java registered the schema; rivulet finds it under the same subject, without registering.
    const serde = SchemaRegistrySerdes.avro<OrderPlaced>({
      registry: { url: registry.url },
      schema: SCHEMA,
      autoRegister: false,
    });
    await serde.prepare!(topic, 'read');
    await serde.prepare!(topic, 'write');
    values.forEach((value, i) => {
      expect({ ...serde.deserialize(topic, javaBytes[i]!) }).toEqual(value);
      expect(serde.serialize(topic, value)!.equals(javaBytes[i]!)).toBe(true);
    });
  });

  it('Java reads what rivulet wrote', async () => {
    const topic = 'rivulet-wrote';
    const values = sample();
    const serde = SchemaRegistrySerdes.avro<OrderPlaced>({ registry: { url: registry.url }, schema: SCHEMA });
    await serde.prepare!(topic, 'write');
    const lines = values.map((v) => serde.serialize(topic, v)!.toString('hex'));
    const read = (await peer(['read', registry.serverUrl, topic], lines)).map((line) => JSON.parse(line));
    expect(read).toEqual(values);
  });
});
