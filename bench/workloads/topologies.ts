import {
  Consumed,
  Grouped,
  Joined,
  JoinWindows,
  Materialized,
  Produced,
  Serdes,
  SessionWindows,
  StreamJoined,
  StreamsBuilder,
  TimeWindows,
  type Topology,
  WindowedSerdes,
} from 'rivulet';
import {
  type Event,
  foreignKeyOf,
  joinedBytes,
  regroupKey,
  SESSION_GAP_MS,
  STREAM_JOIN_WINDOW_MS,
  WINDOW_ADVANCE_MS,
  WINDOW_SIZE_MS,
} from './data.js';
import type { WorkloadName } from './workloads.js';

/** The topics of one workload run. */
export interface WorkloadTopics {
  readonly input: string;
  readonly output: string;
  /** The table topic (stream-table-join and fk-join). */
  readonly table?: string;
}

const B = Serdes.Bytes();
const I = Serdes.Integer();
const L = Serdes.Long();

/** The stateless workload's projection: three of the event's fields. */
export interface Projected {
  readonly userId: number;
  readonly itemId: number;
  readonly amount: number;
}

/** rivulet's implementation of each workload (bench/peers/kafka-streams-java has the same in Java). */
export function rivuletTopology(workload: WorkloadName, topics: WorkloadTopics): Topology {
  const builder = new StreamsBuilder();
  const { input, output } = topics;
  switch (workload) {
    case 'passthrough':
      builder.stream(input, Consumed.with(B, B)).to(output, Produced.with(B, B));
      break;
    case 'stateless': {
      const events = Serdes.Json<Event>();
      builder
        .stream<Buffer, Event>(input, Consumed.with(B, events))
        .filter((_k, e) => e.type === 'view')
        .mapValues((e): Projected => ({ userId: e.userId, itemId: e.itemId, amount: e.amount }))
        .to(output, Produced.with(B, Serdes.Json<Projected>()));
      break;
    }
    case 'count':
      builder
        .stream<number, Buffer>(input, Consumed.with(I, B))
        .groupByKey()
        .count(Materialized.as('counts'))
        .toStream()
        .to(output, Produced.with(I, L));
      break;
    case 'windowed-count':
      builder
        .stream<number, Buffer>(input, Consumed.with(I, B))
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW_SIZE_MS).advanceBy(WINDOW_ADVANCE_MS))
        .count(Materialized.as('counts'))
        .toStream()
        .to(output, Produced.with(WindowedSerdes.timeWindowedSerdeFrom(I, WINDOW_SIZE_MS), L));
      break;
    case 'stream-table-join': {
      if (!topics.table) throw new Error('stream-table-join needs a table topic');
      const table = builder.table<number, Buffer>(
        topics.table,
        Consumed.with(I, B),
        Materialized.as('table'),
      );
      builder
        .stream<number, Buffer>(input, Consumed.with(I, B))
        .leftJoin(table, (_value, row) => row, Joined.with(I, B, B))
        .to(output, Produced.with(I, B));
      break;
    }
    case 'session-count':
      builder
        .stream<number, Buffer>(input, Consumed.with(I, B))
        .groupByKey()
        .windowedBy(SessionWindows.ofInactivityGapAndGrace(SESSION_GAP_MS, SESSION_GAP_MS))
        .count(Materialized.as('sessions'))
        .toStream()
        .to(output, Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(I), L));
      break;
    case 'stream-stream-join': {
      const stream = builder.stream<number, Buffer>(input, Consumed.with(I, B));
      stream
        .join(
          stream,
          (left, right) => joinedBytes(left, right),
          JoinWindows.ofTimeDifferenceWithNoGrace(STREAM_JOIN_WINDOW_MS),
          StreamJoined.with(I, B, B),
        )
        .to(output, Produced.with(I, B));
      break;
    }
    case 'fk-join': {
      if (!topics.table) throw new Error('fk-join needs a table topic');
      const rows = builder.table<number, Buffer>(topics.table, Consumed.with(I, B));
      builder
        .table<number, Buffer>(input, Consumed.with(I, B))
        .join(
          rows,
          (value) => foreignKeyOf(value),
          (value, row) => joinedBytes(value, row),
        )
        .toStream()
        .to(output, Produced.with(I, B));
      break;
    }
    case 'repartition-count':
      builder
        .stream<number, Buffer>(input, Consumed.with(I, B))
        .groupBy((_k, v) => regroupKey(v), Grouped.with(I, B))
        .count(Materialized.as('counts'))
        .toStream()
        .to(output, Produced.with(I, L));
      break;
  }
  return builder.build();
}
