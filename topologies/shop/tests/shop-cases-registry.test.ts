import { EmbeddedLog, SchemaRegistrySerdes, Serdes } from 'rivulet';
import { describe, expect, it } from 'vitest';
import { schemaRegistryForFile } from '../../../test/schema-registry-for-file.js';
import { ORDER_EVENT_SCHEMA } from '../order-event-serde.js';
import { CASE_PRODUCTS, caseOptions, shopCases } from './shop-cases.js';
import { startShopInstances } from './shop-instances.js';

// The shop's cases with the order events' contract in a real schema registry: `order-events` in
// Confluent's wire format, each event validated against ORDER_EVENT_SCHEMA when written.
const registry = schemaRegistryForFile();

describe('the shop cases with a schema registry', () => {
  it('registers the order events schema, writes them in the wire format, and every case holds', async () => {
    const name = `shop-registry-${Date.now()}`;
    const shops = await startShopInstances({
      products: CASE_PRODUCTS,
      shop: { ...caseOptions(3_000), schemaRegistry: { url: registry().url } },
      bootstrapServers: `memory://${name}`,
      guarantee: 'exactly_once_v2',
    });
    try {
      const log = EmbeddedLog.named(name);
      // Reads any event by the schema id it carries, as another service would.
      const events = SchemaRegistrySerdes.jsonSchema<unknown>({ registry: { url: registry().url } });
      await shopCases(shops, async (topic) =>
        log
          .read(
            topic,
            Serdes.String(),
            topic === shops.topics.orderEvents.name ? events : Serdes.Json<unknown>(),
          )
          .map((r) => ({ key: r.key!, value: r.value })),
      );

      const subject = `${shops.topics.orderEvents.name}-value`;
      const latest = (await (
        await fetch(`${registry().url}/subjects/${subject}/versions/latest`)
      ).json()) as {
        id: number;
        schemaType: string;
        schema: string;
      };
      expect(latest.schemaType).toBe('JSON');
      expect(JSON.parse(latest.schema)).toEqual(ORDER_EVENT_SCHEMA);
      const raw = log.read(shops.topics.orderEvents.name, Serdes.String(), Serdes.Bytes());
      expect(raw.length).toBeGreaterThan(0);
      for (const record of raw) {
        expect(record.value![0]).toBe(0);
        expect(record.value!.readInt32BE(1)).toBe(latest.id);
      }
    } finally {
      await shops.close();
    }
  }, 120_000);
});
