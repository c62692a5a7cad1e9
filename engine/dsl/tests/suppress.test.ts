// KTable.suppress, ported from Kafka Streams' SuppressScenarioTest: the same topologies, inputs and
// expected raw and suppressed outputs. Windowed keys print as Kafka Streams' Windowed.toString().
import { afterEach, describe, expect, it } from 'vitest';
import {
  BufferConfig,
  BufferFullError,
  Consumed,
  EmbeddedLog,
  Grouped,
  KafkaStreams,
  type KTable,
  Materialized,
  Produced,
  Serdes,
  SessionWindows,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  TopologyError,
  TopologyTestDriver,
  type Windowed,
} from '../../index.js';

const S = Serdes.String();
const L = Serdes.Long();
type Row = [string, number | null, number];

const windowName = (w: Windowed<string>) => `[${w.key}@${w.startMs}/${w.endMs}]`;

function valueCounts(builder: StreamsBuilder): KTable<string, number> {
  return builder
    .table<string, string>(
      'input',
      Consumed.with(S, S),
      Materialized.with<string, string>(S, S).withCachingDisabled().withLoggingDisabled(),
    )
    .groupBy((k, v) => ({ key: v, value: k }), Grouped.with(S, S))
    .count(Materialized.with(S, L));
}

function withOutputs<K>(
  builder: StreamsBuilder,
  raw: KTable<K, number>,
  suppressed: KTable<K, number>,
  name: (k: K) => string,
) {
  suppressed
    .toStream()
    .map((k, v) => ({ key: name(k), value: v }))
    .to('output-suppressed', Produced.with(S, L));
  raw
    .toStream()
    .map((k, v) => ({ key: name(k), value: v }))
    .to('output-raw', Produced.with(S, L));
  const driver = new TopologyTestDriver(builder.build(), {}, 0);
  const read = (topic: string) => (): Row[] =>
    driver
      .createOutputTopic(topic, S, L)
      .readRecordsToList()
      .map((r) => [r.key as string, r.value, r.timestampMs]);
  return {
    driver,
    input: driver.createInputTopic('input', S, S),
    raw: read('output-raw'),
    suppressed: read('output-suppressed'),
  };
}

describe('SuppressScenarioTest', () => {
  it('shouldImmediatelyEmitEventsWithZeroEmitAfter', () => {
    const builder = new StreamsBuilder();
    const counts = valueCounts(builder);
    const t = withOutputs(
      builder,
      counts,
      counts.suppress(Suppressed.untilTimeLimit(0, BufferConfig.unbounded())),
      String,
    );
    t.input.pipeInput('k1', 'v1', 0);
    t.input.pipeInput('k1', 'v2', 1);
    t.input.pipeInput('k2', 'v1', 2);
    const first: Row[] = [
      ['v1', 1, 0],
      ['v1', 0, 1],
      ['v2', 1, 1],
      ['v1', 1, 2],
    ];
    expect(t.raw()).toEqual(first);
    expect(t.suppressed()).toEqual(first);
    t.input.pipeInput('x', 'x', 3);
    expect(t.raw()).toEqual([['x', 1, 3]]);
    expect(t.suppressed()).toEqual([['x', 1, 3]]);
    t.input.pipeInput('x', 'y', 4);
    const last: Row[] = [
      ['x', 0, 4],
      ['y', 1, 4],
    ];
    expect(t.raw()).toEqual(last);
    expect(t.suppressed()).toEqual(last);
    t.driver.close();
  });

  it('shouldSuppressIntermediateEventsWithTimeLimit', () => {
    const builder = new StreamsBuilder();
    const counts = valueCounts(builder);
    const t = withOutputs(
      builder,
      counts,
      counts.suppress(Suppressed.untilTimeLimit(2, BufferConfig.unbounded())),
      String,
    );
    t.input.pipeInput('k1', 'v1', 0);
    t.input.pipeInput('k1', 'v2', 1);
    t.input.pipeInput('k2', 'v1', 2);
    expect(t.raw()).toEqual([
      ['v1', 1, 0],
      ['v1', 0, 1],
      ['v2', 1, 1],
      ['v1', 1, 2],
    ]);
    expect(t.suppressed()).toEqual([['v1', 1, 2]]);
    t.input.pipeInput('tick', 'tick', 3);
    expect(t.raw()).toEqual([['tick', 1, 3]]);
    expect(t.suppressed()).toEqual([['v2', 1, 1]]);
    t.input.pipeInput('tick', 'tock', 4);
    expect(t.raw()).toEqual([
      ['tick', 0, 4],
      ['tock', 1, 4],
    ]);
    expect(t.suppressed()).toEqual([]);
    t.driver.close();
  });

  it('shouldSuppressIntermediateEventsWithRecordLimit', () => {
    const builder = new StreamsBuilder();
    const counts = valueCounts(builder);
    const limited = counts.suppress(
      Suppressed.untilTimeLimit(Number.MAX_SAFE_INTEGER, BufferConfig.maxRecords(1).emitEarlyWhenFull()),
    );
    const t = withOutputs(builder, counts, limited, String);
    t.input.pipeInput('k1', 'v1', 0);
    t.input.pipeInput('k1', 'v2', 1);
    t.input.pipeInput('k2', 'v1', 2);
    expect(t.raw()).toEqual([
      ['v1', 1, 0],
      ['v1', 0, 1],
      ['v2', 1, 1],
      ['v1', 1, 2],
    ]);
    expect(t.suppressed()).toEqual([
      ['v1', 0, 1],
      ['v2', 1, 1],
    ]);
    t.input.pipeInput('x', 'x', 3);
    expect(t.raw()).toEqual([['x', 1, 3]]);
    expect(t.suppressed()).toEqual([['v1', 1, 2]]);
    t.driver.close();
  });

  it('shouldSupportFinalResultsForTimeWindows', () => {
    const builder = new StreamsBuilder();
    const counts = builder
      .stream<string, string>('input', Consumed.with(S, S))
      .groupBy((k) => k, Grouped.with(S, S))
      .windowedBy(TimeWindows.ofSizeAndGrace(2, 1))
      .count(Materialized.as<string, number>('counts').withCachingDisabled());
    const t = withOutputs(
      builder,
      counts,
      counts.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())),
      windowName,
    );
    for (const ts of [0, 1, 2, 1, 0, 5, 0]) t.input.pipeInput('k1', 'v1', ts);
    expect(t.raw()).toEqual([
      ['[k1@0/2]', 1, 0],
      ['[k1@0/2]', 2, 1],
      ['[k1@2/4]', 1, 2],
      ['[k1@0/2]', 3, 1],
      ['[k1@0/2]', 4, 1],
      ['[k1@4/6]', 1, 5],
    ]);
    expect(t.suppressed()).toEqual([
      ['[k1@0/2]', 4, 1],
      ['[k1@2/4]', 1, 2],
    ]);
    t.driver.close();
  });

  it('shouldSupportFinalResultsForSessionWindows: merged-away sessions are never emitted', () => {
    const builder = new StreamsBuilder();
    const counts = builder
      .stream<string, string>('input', Consumed.with(S, S))
      .groupBy((k) => k, Grouped.with(S, S))
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
      .count(Materialized.as<string, number>('counts').withCachingDisabled());
    const t = withOutputs(
      builder,
      counts,
      counts.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())),
      windowName,
    );
    for (const [k, ts] of [
      ['k1', 0],
      ['k1', 5],
      ['k1', 1],
      ['k2', 11],
      ['k1', 5],
      ['k1', 30],
    ] as const)
      t.input.pipeInput(k, 'v1', ts);
    expect(t.raw()).toEqual([
      ['[k1@0/0]', 1, 0],
      ['[k1@0/0]', null, 0],
      ['[k1@0/5]', 2, 5],
      ['[k1@0/5]', null, 5],
      ['[k1@0/5]', 3, 5],
      ['[k2@11/11]', 1, 11],
      ['[k1@30/30]', 1, 30],
    ]);
    expect(t.suppressed()).toEqual([
      ['[k1@0/5]', 3, 5],
      ['[k2@11/11]', 1, 11],
    ]);
    t.driver.close();
  });
});

describe('suppress: limits, errors and crashes', () => {
  const running: KafkaStreams[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
  });

  it('a full buffer that may not emit early stops the instance with a BufferFullError', () => {
    const builder = new StreamsBuilder();
    const counts = valueCounts(builder);
    counts
      .suppress(
        Suppressed.untilTimeLimit(1000, BufferConfig.maxRecords(1).shutDownWhenFull()).withName('held'),
      )
      .toStream()
      .to('out', Produced.with(S, L));
    const driver = new TopologyTestDriver(builder.build(), {}, 0);
    const input = driver.createInputTopic('input', S, S);
    input.pipeInput('k1', 'v1', 0);
    expect(() => input.pipeInput('k2', 'v2', 1)).toThrow(BufferFullError);
    driver.close();
  });

  it('untilWindowCloses on a table that is not windowed is refused, naming the path', () => {
    const builder = new StreamsBuilder();
    expect(() =>
      valueCounts(builder).suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())),
    ).toThrow(TopologyError);
  });

  it('held updates survive a restart (the buffer is logged) and are emitted once', async () => {
    const cluster = `suppress-restart-${Date.now()}`;
    const log = EmbeddedLog.named(cluster).createTopic('input', 1).createTopic('final', 1);
    const topology = () => {
      const builder = new StreamsBuilder();
      builder
        .stream<string, string>('input', Consumed.with(S, S))
        .groupByKey(Grouped.with(S, S))
        .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
        .count()
        .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
        .toStream()
        .map((w, n) => ({ key: windowName(w), value: n }))
        .to('final', Produced.with(S, L));
      return builder.build();
    };
    const config = {
      applicationId: 'suppress-restart',
      bootstrapServers: `memory://${cluster}`,
      commitIntervalMs: 20,
    };
    const start = async () => {
      const streams = new KafkaStreams(topology(), { ...config, stateDir: stateDir() });
      running.push(streams);
      await streams.start();
      await streams.waitForState('RUNNING');
      return streams;
    };
    const until = async (done: () => boolean) => {
      const deadline = Date.now() + 5000;
      while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    };
    const first = await start();
    log.produce(
      'input',
      [
        { key: 'a', value: '1', timestampMs: 1 },
        { key: 'a', value: '2', timestampMs: 2 },
      ],
      S,
      S,
    );
    const changelog = 'suppress-restart-KTABLE-SUPPRESS-STATE-STORE-0000000005-changelog';
    const logged = () => {
      try {
        return log.read(changelog, Serdes.Bytes(), Serdes.Bytes()).length > 0;
      } catch {
        return false;
      }
    };
    await until(logged);
    expect(logged(), 'the held update reached the buffer changelog').toBe(true);
    await first.close();
    running.splice(0);
    expect(log.read('final', S, L)).toEqual([]);
    // A fresh state directory: the buffer comes back from its changelog alone.
    await start();
    log.produce('input', [{ key: 'b', value: '3', timestampMs: 25 }], S, S);
    await until(() => log.read('final', S, L).length > 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(log.read('final', S, L).map((r) => [r.key, r.value])).toEqual([['[a@0/10]', 2]]);
  });
});

let dirs = 0;
function stateDir(): string {
  return `/tmp/rivulet-suppress-test-${process.pid}-${dirs++}`;
}
