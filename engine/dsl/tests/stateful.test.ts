import { describe, expect, it } from 'vitest';
import {
  Consumed,
  Grouped,
  type KeyValueStore,
  Materialized,
  type ProcessorContext,
  Produced,
  Record,
  Repartitioned,
  Serdes,
  Stores,
  StreamsBuilder,
  TopologyTestDriver,
} from '../../index.js';

const S = Serdes.String();
const L = Serdes.Long();

describe('KGroupedStream aggregations', () => {
  it('groupByKey().count() counts per key, and drops null keys and values into the metric', async () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string | null, string | null>('in', Consumed.with(S, S))
      .groupByKey()
      .count(Materialized.as('counts'))
      .toStream()
      .to('out', Produced.with(S, L));
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const input = driver.createInputTopic('in', S, S);
    input.pipeKeyValueList([
      { key: 'a', value: '1' },
      { key: 'b', value: '1' },
      { key: 'a', value: '1' },
      { key: null, value: '1' },
      { key: 'a', value: null },
    ]);
    expect(driver.createOutputTopic('out', S, L).readKeyValuesToList()).toEqual([
      { key: 'a', value: 1 },
      { key: 'b', value: 1 },
      { key: 'a', value: 2 },
    ]);
    expect(driver.getKeyValueStore<string, number>('counts').get('a')).toBe(2);
    const dropped = await driver.metrics().getSingleMetricAsString('rivulet_dropped_records_total');
    expect(dropped).toMatch(/reason="null-key"} 1/);
    expect(dropped).toMatch(/reason="null-value"} 1/);
  });

  it('groupBy() inserts a repartition topic, visible in describe(), and counts by the new key', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('orders', Consumed.with(S, S))
      .groupBy((_orderId, product) => product, Grouped.with(S, S).withName('by-product'))
      .count()
      .toStream()
      .to('product-counts', Produced.with(S, L));
    const topology = builder.build();
    const text = topology.describe().toString();
    expect(text).toContain('Sub-topology: 0');
    expect(text).toContain('Sub-topology: 1');
    expect(text).toContain('(topic: by-product-repartition)');
    expect(text).toContain('(topics: [by-product-repartition])');

    const driver = new TopologyTestDriver(topology, {}, 0);
    const input = driver.createInputTopic('orders', S, S);
    input.pipeKeyValueList([
      { key: 'o1', value: 'apple' },
      { key: 'o2', value: 'pear' },
      { key: 'o3', value: 'apple' },
    ]);
    expect(driver.createOutputTopic('product-counts', S, L).readKeyValuesToMap()).toEqual(
      new Map([
        ['apple', 2],
        ['pear', 1],
      ]),
    );
  });

  it('reduce and aggregate keep a running value per key', () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream<string, number>('in', Consumed.with(S, L)).groupByKey();
    grouped
      .reduce((a, b) => Math.max(a, b), Materialized.with(S, L))
      .toStream()
      .to('max', Produced.with(S, L));
    grouped
      .aggregate(
        () => '',
        (_k, v, agg) => (agg ? `${agg},${v}` : String(v)),
        Materialized.as<string, string>('joined').withValueSerde(S),
      )
      .toStream()
      .to('joined', Produced.with(S, S));
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const input = driver.createInputTopic('in', S, L);
    input.pipeKeyValueList([
      { key: 'x', value: 3 },
      { key: 'x', value: 1 },
      { key: 'x', value: 7 },
    ]);
    expect(driver.createOutputTopic('max', S, L).readValuesToList()).toEqual([3, 3, 7]);
    expect(driver.createOutputTopic('joined', S, S).readValuesToList()).toEqual(['3', '3,1', '3,1,7']);
  });

  it('repartition() and toTable()', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('in', Consumed.with(S, S))
      .selectKey((_k, v) => v)
      .repartition(Repartitioned.with(S, S).withName('rekeyed').withNumberOfPartitions(2))
      .toTable(Materialized.as('latest'))
      .toStream()
      .to('out', Produced.with(S, S));
    const topology = builder.build();
    expect(topology.describe().toString()).toContain('(topic: rekeyed-repartition)');
    expect(topology.internal.repartitionTopics.get('rekeyed-repartition')?.partitions).toBe(2);
    const driver = new TopologyTestDriver(topology, {}, 0);
    driver.createInputTopic('in', S, S).pipeInput('k', 'v1');
    expect(driver.createOutputTopic('out', S, S).readKeyValue()).toEqual({ key: 'v1', value: 'v1' });
    expect(driver.getKeyValueStore<string, string>('latest').get('v1')).toBe('v1');
  });
});

describe('KTable', () => {
  it('builder.table() applies tombstones; filter and mapValues forward updates and deletions', () => {
    const builder = new StreamsBuilder();
    const table = builder.table<string, string>('users', Consumed.with(S, S), Materialized.as('users-store'));
    table
      .filter((_k, v) => v !== 'banned')
      .mapValues((v) => v.toUpperCase())
      .toStream()
      .to('visible-users', Produced.with(S, S));
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const input = driver.createInputTopic('users', S, S);
    input.pipeInput('u1', 'ann');
    input.pipeInput('u2', 'bob');
    input.pipeInput('u1', 'banned');
    input.pipeInput('u2', null);
    const store = driver.getKeyValueStore<string, string>('users-store');
    expect(store.get('u1')).toBe('banned');
    expect(store.get('u2')).toBeNull();
    expect(driver.createOutputTopic('visible-users', S, S).readKeyValuesToList()).toEqual([
      { key: 'u1', value: 'ANN' },
      { key: 'u2', value: 'BOB' },
      { key: 'u1', value: null },
      { key: 'u2', value: null },
    ]);
  });

  it('groupBy().aggregate(adder, subtractor) moves values between groups on update and delete', () => {
    const builder = new StreamsBuilder();
    builder
      .table<string, string>('user-city', Consumed.with(S, S))
      .groupBy((user, city) => ({ key: city, value: user }), Grouped.with(S, S))
      .aggregate(
        () => 0,
        (_city, _user, n) => n + 1,
        (_city, _user, n) => n - 1,
        Materialized.as<string, number>('city-population').withValueSerde(L),
      );
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const input = driver.createInputTopic('user-city', S, S);
    input.pipeInput('ann', 'paris');
    input.pipeInput('bob', 'paris');
    input.pipeInput('ann', 'rome');
    input.pipeInput('bob', null);
    const store = driver.getKeyValueStore<string, number>('city-population');
    expect(store.get('paris')).toBe(0);
    expect(store.get('rome')).toBe(1);
  });

  it('groupBy().reduce(adder, subtractor) and count()', () => {
    const builder = new StreamsBuilder();
    const grouped = builder
      .table<string, number>('balances', Consumed.with(S, L))
      .groupBy((account, amount) => ({ key: account.split(':')[0]!, value: amount }), Grouped.with(S, L));
    grouped.reduce(
      (a, b) => a + b,
      (a, b) => a - b,
      Materialized.as('totals'),
    );
    grouped.count(Materialized.as('accounts'));
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const input = driver.createInputTopic('balances', S, L);
    input.pipeInput('alice:1', 10);
    input.pipeInput('alice:2', 5);
    input.pipeInput('alice:1', 3);
    expect(driver.getKeyValueStore<string, number>('totals').get('alice')).toBe(8);
    expect(driver.getKeyValueStore<string, number>('accounts').get('alice')).toBe(2);
  });
});

describe('Processor API through the DSL', () => {
  it('process() with a store and stream-time and wall-clock punctuation', () => {
    const builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder('seen', S, L));
    builder
      .stream<string, string>('in', Consumed.with(S, S))
      .process<string, string>(
        {
          get() {
            let context!: ProcessorContext<string, string>;
            let store!: KeyValueStore<string, number>;
            return {
              init(ctx) {
                context = ctx;
                store = ctx.getStateStore('seen');
                ctx.schedule(1000, 'stream-time', (ts) =>
                  ctx.forward(new Record('tick', `stream@${ts}`, ts)),
                );
                ctx.schedule(5000, 'wall-clock', (ts) => ctx.forward(new Record('tick', `wall@${ts}`, ts)));
              },
              process(record) {
                store.put(record.key, (store.get(record.key) ?? 0) + 1);
                const meta = context.recordMetadata();
                context.forward(record.withValue(`${record.value}@${meta?.topic}:${meta?.offset}`));
              },
            };
          },
        },
        'seen',
      )
      .to('out', Produced.with(S, S));
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput('k', 'a', 500);
    input.pipeInput('k', 'b', 2500);
    driver.advanceWallClockTime(5000);
    expect(driver.createOutputTopic('out', S, S).readValuesToList()).toEqual([
      'a@in:0',
      'stream@500',
      'b@in:1',
      'stream@2500',
      'wall@5000',
    ]);
    expect(driver.getKeyValueStore<string, number>('seen').get('k')).toBe(2);
  });

  it('processValues() keeps the key and needs no repartition before grouping', () => {
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>('in', Consumed.with(S, S))
      .processValues<number>({
        get() {
          let context!: import('../../index.js').FixedKeyProcessorContext<string, number>;
          return {
            init(ctx) {
              context = ctx;
            },
            process(record) {
              context.forward(record.withValue(record.value.length));
            },
          };
        },
      })
      .groupByKey(Grouped.with(S, L))
      .reduce((a, b) => a + b, Materialized.as('lengths'));
    const topology = builder.build();
    expect(topology.describe().subtopologies).toHaveLength(1);
    const driver = new TopologyTestDriver(topology, {}, 0);
    driver.createInputTopic('in', S, S).pipeKeyValueList([
      { key: 'k', value: 'abc' },
      { key: 'k', value: 'de' },
    ]);
    expect(driver.getKeyValueStore<string, number>('lengths').get('k')).toBe(5);
  });

  it('a processor that reads a store it was not connected to gets an error naming both', () => {
    const builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder('private', S, L));
    const stream = builder.stream<string, string>('in', Consumed.with(S, S));
    stream.process({ get: () => ({ process() {} }) }, 'private');
    stream.process({
      get: () => ({
        init(ctx: ProcessorContext<never, never>) {
          ctx.getStateStore('private');
        },
        process() {},
      }),
    });
    expect(() => new TopologyTestDriver(builder.build())).toThrow(
      /KSTREAM-PROCESSOR-0000000002 has no access to state store private/,
    );
  });
});

describe('internal topics without serdes', () => {
  it('repartition topics and stores take the self-describing internal serde; only the user-facing topics need serdes', () => {
    type Order = { customer: string; items: string[]; placed: string; total: number };
    const J = Serdes.Json<Order>();
    const builder = new StreamsBuilder();
    builder
      .stream<string, Order>('orders', Consumed.with(S, J))
      // An object key and a value with a Date and a bigint, through a repartition topic and a store,
      // none of them given a serde.
      .groupBy((_id, o) => ({ customer: o.customer, size: o.items.length }))
      .aggregate(
        () => ({ orders: 0, last: new Date(0), total: 0n }),
        (_key, o, agg) => ({
          orders: agg.orders + 1,
          last: new Date(o.placed),
          total: agg.total + BigInt(o.total),
        }),
        Materialized.as('per-customer'),
      )
      .toStream()
      .map((key, agg) => ({
        key: `${key.customer}/${key.size}`,
        value: `${agg?.orders} ${agg?.total} ${agg?.last.toISOString()}`,
      }))
      .to('summary', Produced.with(S, S));
    // No cache: every store read and write goes through the serde.
    const driver = new TopologyTestDriver(builder.build(), { cacheMaxBytes: 0 }, 0);
    const orders = driver.createInputTopic('orders', S, J);
    orders.pipeInput('o1', { customer: 'ann', items: ['a'], placed: '2026-01-01T00:00:00.000Z', total: 5 });
    orders.pipeInput('o2', { customer: 'ann', items: ['b'], placed: '2026-01-02T00:00:00.000Z', total: 7 });
    expect(driver.createOutputTopic('summary', S, S).readKeyValuesToList()).toEqual([
      { key: 'ann/1', value: '1 5 2026-01-01T00:00:00.000Z' },
      { key: 'ann/1', value: '2 12 2026-01-02T00:00:00.000Z' },
    ]);
    expect(driver.getKeyValueStore('per-customer').get({ size: 1, customer: 'ann' })).toEqual({
      orders: 2,
      last: new Date('2026-01-02T00:00:00.000Z'),
      total: 12n,
    });
    driver.close();
  });
});
