import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  Consumed,
  KafkaStreams,
  Produced,
  SchemaRegistrySerdes,
  Serdes,
  StreamsBuilder,
} from '../../engine/index.js';
import { KafkaAdmin } from '../../engine/transport/kafka/admin.js';
import { javaAvroPeer } from '../java-avro-peer.js';
import { type RunningRegistry, startSchemaRegistry } from '../schema-registry.js';
import { describeKafka, kafkaBootstrap, uniqueName } from './broker-context.js';

// A Java service and a rivulet service share topics on a real broker through one real registry:
// Java's KafkaProducer with Apicurio's Avro serializer → rivulet (exactly_once_v2) → Java's
// KafkaConsumer with Apicurio's Avro deserializer.
const ORDER_PLACED = {
  type: 'record',
  name: 'OrderPlaced',
  namespace: 'shop.events',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'quantity', type: 'int' },
    { name: 'unitPriceCents', type: 'long' },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['PLACED', 'PAID'] } },
  ],
};
const ORDER_TOTAL = {
  type: 'record',
  name: 'OrderTotal',
  namespace: 'shop.events',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'totalCents', type: 'long' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};

interface OrderPlaced {
  orderId: string;
  quantity: number;
  unitPriceCents: number;
  status: 'PLACED' | 'PAID';
}
interface OrderTotal {
  orderId: string;
  totalCents: number;
  note: string | null;
}

const ORDERS = 300;

describeKafka('Avro on a shared topic: a Java producer → rivulet → a Java consumer', () => {
  let registry: RunningRegistry;
  let admin: KafkaAdmin;
  beforeAll(async () => {
    admin = new KafkaAdmin(kafkaBootstrap);
    registry = await startSchemaRegistry();
  }, 600_000);
  afterAll(async () => {
    await admin?.close();
    await registry?.stop();
  });

  it('rivulet reads the Java-written orders and writes totals Java reads, record for record', async () => {
    const peer = await javaAvroPeer();
    const input = uniqueName('java-orders');
    const output = uniqueName('rivulet-totals');
    await admin.createTopics([
      { name: input, partitions: 3, replicationFactor: 1, config: {} },
      { name: output, partitions: 3, replicationFactor: 1, config: {} },
    ]);
    const orders: OrderPlaced[] = Array.from({ length: ORDERS }, (_, i) => ({
      orderId: `o-${i}`,
      quantity: 1 + (i % 7),
      unitPriceCents: 2 ** 33 + i, // beyond 32 bits: a long on both sides
      status: i % 2 ? 'PAID' : 'PLACED',
    }));
    const schemaFile = join(mkdtempSync(join(tmpdir(), 'rivulet-avro-')), 'order-placed.avsc');
    writeFileSync(schemaFile, JSON.stringify(ORDER_PLACED));
    await peer(
      ['produce', registry.serverUrl, input, schemaFile, kafkaBootstrap],
      orders.map((o) => JSON.stringify(o)),
    );

    const url = registry.url;
    const builder = new StreamsBuilder();
    builder
      .stream<string, OrderPlaced>(
        input,
        Consumed.with(
          Serdes.String(),
          SchemaRegistrySerdes.avro({ registry: { url }, schema: ORDER_PLACED }),
        ),
      )
      .mapValues(
        (o): OrderTotal => ({
          orderId: o.orderId,
          totalCents: o.quantity * o.unitPriceCents,
          note: o.status === 'PAID' ? 'paid' : null,
        }),
      )
      .to(
        output,
        Produced.with(Serdes.String(), SchemaRegistrySerdes.avro({ registry: { url }, schema: ORDER_TOTAL })),
      );
    const streams = new KafkaStreams(builder.build(), {
      applicationId: uniqueName('java-interop'),
      bootstrapServers: kafkaBootstrap,
      processingGuarantee: 'exactly_once_v2',
      stateDir: mkdtempSync(join(tmpdir(), 'rivulet-interop-')),
    });
    let lines: string[];
    try {
      await streams.start();
      lines = await peer(['consume', registry.serverUrl, output, String(ORDERS), kafkaBootstrap], []);
    } finally {
      await streams.close();
    }

    const totals = new Map(
      lines.map((line) => {
        const [key, value] = line.split('\t') as [string, string];
        return [key, JSON.parse(value) as OrderTotal] as const;
      }),
    );
    expect(totals.size).toBe(ORDERS);
    orders.forEach((o, i) => {
      expect(totals.get(String(i)), `the total of order ${i}`).toEqual({
        orderId: o.orderId,
        totalCents: o.quantity * o.unitPriceCents,
        note: o.status === 'PAID' ? 'paid' : null,
      });
    });
  });
});
