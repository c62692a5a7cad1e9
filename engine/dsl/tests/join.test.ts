import { afterEach, describe, expect, it } from 'vitest';
import {
  Consumed,
  EmbeddedLog,
  Joined,
  KafkaStreams,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  TopologyTestDriver,
} from '../../index.js';

const S = Serdes.String();
const running: KafkaStreams[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

function enrichOrders(left: boolean) {
  const builder = new StreamsBuilder();
  const customers = builder.table<string, string>(
    'customers',
    Consumed.with(S, S),
    Materialized.as('customers'),
  );
  const orders = builder.stream<string, string>('orders', Consumed.with(S, S));
  const joiner = (order: string, name: string | null) => `${order} for ${name ?? 'unknown'}`;
  (left ? orders.leftJoin(customers, joiner) : orders.join(customers, joiner)).to(
    'enriched',
    Produced.with(S, S),
  );
  return builder.build();
}

describe('KStream-KTable join', () => {
  it('join drops unmatched records; leftJoin passes null; table updates do not emit', () => {
    for (const left of [false, true]) {
      const driver = new TopologyTestDriver(enrichOrders(left), {}, 0);
      const customers = driver.createInputTopic('customers', S, S);
      const orders = driver.createInputTopic('orders', S, S);
      customers.pipeInput('c1', 'Ann');
      orders.pipeInput('c1', 'o1');
      orders.pipeInput('c2', 'o2');
      customers.pipeInput('c1', 'Anna');
      orders.pipeInput('c1', 'o3');
      expect(driver.createOutputTopic('enriched', S, S).readValuesToList()).toEqual(
        left ? ['o1 for Ann', 'o2 for unknown', 'o3 for Anna'] : ['o1 for Ann', 'o3 for Anna'],
      );
    }
  });

  it('puts the stream and the table into one sub-topology, repartitioning a re-keyed stream first', () => {
    const builder = new StreamsBuilder();
    const customers = builder.table<string, string>(
      'customers',
      Consumed.with(S, S),
      Materialized.as('customers'),
    );
    builder
      .stream<string, string>('orders', Consumed.with(S, S))
      .selectKey((_orderId, customerId) => customerId)
      .join(
        customers,
        (order, name) => `${order}:${name}`,
        Joined.with(S, S, S).withName('orders-by-customer'),
      )
      .to('enriched', Produced.with(S, S));
    const text = builder.build().describe().toString();
    expect(text).toContain('(topic: orders-by-customer-repartition)');
    expect(text).toContain(
      'Source: orders-by-customer-repartition-source (topics: [orders-by-customer-repartition])',
    );
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    driver.createInputTopic('customers', S, S).pipeInput('c9', 'Zoe');
    driver.createInputTopic('orders', S, S).pipeInput('o1', 'c9');
    expect(driver.createOutputTopic('enriched', S, S).readKeyValue()).toEqual({ key: 'c9', value: 'c9:Zoe' });
  });

  it('refuses to start when the joined topics have different partition counts', async () => {
    const cluster = `join-copartition-${Date.now()}`;
    EmbeddedLog.named(cluster)
      .createTopic('customers', 3)
      .createTopic('orders', 4)
      .createTopic('enriched', 1);
    const streams = new KafkaStreams(enrichOrders(false), {
      applicationId: 'join',
      bootstrapServers: `memory://${cluster}`,
    });
    running.push(streams);
    await expect(streams.start()).rejects.toThrow(
      /co-partitioned topics must have the same number of partitions, but customers has 3, orders has 4/,
    );
  });

  it('joins on the embedded log across partitions', async () => {
    const cluster = `join-run-${Date.now()}`;
    const log = EmbeddedLog.named(cluster)
      .createTopic('customers', 4)
      .createTopic('orders', 4)
      .createTopic('enriched', 4);
    log.produce(
      'customers',
      [
        { key: 'c1', value: 'Ann' },
        { key: 'c2', value: 'Bob' },
      ],
      S,
      S,
    );
    const streams = new KafkaStreams(enrichOrders(true), {
      applicationId: 'join',
      bootstrapServers: `memory://${cluster}`,
      commitIntervalMs: 20,
      maxTaskIdleMs: 50,
    });
    running.push(streams);
    await streams.start();
    await streams.waitForState('RUNNING');
    await new Promise((r) => setTimeout(r, 100));
    log.produce(
      'orders',
      [
        { key: 'c1', value: 'o1' },
        { key: 'c2', value: 'o2' },
      ],
      S,
      S,
    );
    const deadline = Date.now() + 5000;
    while (log.read('enriched', S, S).length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(
      log
        .read('enriched', S, S)
        .map((r) => r.value)
        .sort(),
    ).toEqual(['o1 for Ann', 'o2 for Bob']);
  });
});
