import { describe, expect, it } from 'vitest';
import { createTopics, EmbeddedLog, RecordProducer, Serdes } from '../../index.js';

// The application's own producer and topic creation, on the embedded log (on Kafka they run in the
// shop's broker test, topologies/shop/shop.kafka.test.ts).

const S = Serdes.String();

describe('RecordProducer and createTopics', () => {
  it('creates topics (leaving existing ones), writes records by key hash, and names the ones refused', async () => {
    const name = `producer-${Date.now()}-${Math.random()}`;
    const bootstrapServers = `memory://${name}`;
    await createTopics(bootstrapServers, [
      { name: 'orders', partitions: 4 },
      { name: 'tiny', partitions: 1, config: { 'max.message.bytes': '100' } },
    ]);
    await createTopics(bootstrapServers, [{ name: 'orders', partitions: 4 }]);
    const log = EmbeddedLog.named(name);
    expect(log.partitionCount('orders')).toBe(4);

    const producer = await RecordProducer.create({
      bootstrapServers,
      keySerde: S,
      valueSerde: Serdes.Json<{ n: number }>(),
    });
    for (let n = 0; n < 20; n++) producer.send('orders', `order-${n}`, { n }, { timestampMs: 1_000 + n });
    await producer.flush();
    const written = log.read('orders', S, Serdes.Json<{ n: number }>());
    expect(written.map((r) => r.value!.n).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, n) => n),
    );
    // Same key, same partition, as Kafka's producer.
    producer.send('orders', 'order-3', { n: 99 });
    await producer.flush();
    const again = log.read('orders', S, Serdes.Json<{ n: number }>()).filter((r) => r.key === 'order-3');
    expect(new Set(again.map((r) => r.partition)).size).toBe(1);

    // Over the topic's max.message.bytes: refused, and flush names it.
    producer.send('tiny', 'small', { n: 1 });
    producer.send('tiny', 'big', { n: 1, pad: 'x'.repeat(500) } as { n: number });
    await expect(producer.flush()).rejects.toThrow(/^1 record\(s\) were not written: tiny-0: /);
    expect(log.read('tiny', S, S).map((r) => r.key)).toEqual(['small']);
    await producer.close();
  });
});
