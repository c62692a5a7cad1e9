import { Consumed, Grouped, Materialized, Produced, Serdes, StreamsBuilder, type Topology } from 'rivulet';

/** An order event of about 85 bytes of JSON, as the benchmark's stateless workload reads it. */
export interface Event {
  readonly id: number;
  readonly user: string;
  readonly kind: 'view' | 'cart' | 'buy';
  readonly amount: number;
}

export interface Workload {
  readonly name: string;
  /** The input record for index i (keys uniform over 10,000). */
  record(i: number): { key: Buffer; value: Buffer };
  topology(input: string, output: string): Topology;
}

const B = Serdes.Bytes();
const S = Serdes.String();
const PAYLOAD = Buffer.alloc(100, 42);
const key = (i: number) => Buffer.from(`key-${(i * 7919) % 10_000}`);

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'passthrough',
    record: (i) => ({ key: key(i), value: PAYLOAD }),
    topology(input, output) {
      const builder = new StreamsBuilder();
      builder.stream(input, Consumed.with(B, B)).to(output, Produced.with(B, B));
      return builder.build();
    },
  },
  {
    name: 'stateless',
    record: (i) => {
      const event: Event = {
        id: i,
        user: `user-${i % 10_000}`,
        kind: (['view', 'cart', 'buy'] as const)[i % 3]!,
        amount: i % 997,
      };
      return { key: key(i), value: Buffer.from(JSON.stringify(event)) };
    },
    topology(input, output) {
      const J = Serdes.Json<Event>();
      const builder = new StreamsBuilder();
      builder
        .stream<Buffer, Event>(input, Consumed.with(B, J))
        .filter((_k, e) => e.kind !== 'view')
        .mapValues((e) => ({ ...e, amount: e.amount * 100 }))
        .to(output, Produced.with(B, J));
      return builder.build();
    },
  },
  {
    name: 'count',
    record: (i) => ({ key: key(i), value: PAYLOAD }),
    topology(input, output) {
      const builder = new StreamsBuilder();
      builder
        .stream<string, Buffer>(input, Consumed.with(S, B))
        .groupByKey()
        .count(Materialized.as('counts'))
        .toStream()
        .to(output, Produced.with(S, Serdes.Long()));
      return builder.build();
    },
  },
  {
    name: 'repartition-count',
    record: (i) => ({ key: key(i), value: Buffer.from(`group-${i % 1000}`) }),
    topology(input, output) {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>(input, Consumed.with(S, S))
        .groupBy((_k, v) => v, Grouped.with(S, S))
        .count(Materialized.as('counts'))
        .toStream()
        .to(output, Produced.with(S, Serdes.Long()));
      return builder.build();
    },
  },
];
