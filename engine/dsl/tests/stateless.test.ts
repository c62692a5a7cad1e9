import { describe, expect, it } from 'vitest';
import {
  Branched,
  Consumed,
  Named,
  Produced,
  Serdes,
  StreamsBuilder,
  TopologyTestDriver,
} from '../../index.js';

const S = Serdes.String();

function driverFor(build: (builder: StreamsBuilder) => void): TopologyTestDriver {
  const builder = new StreamsBuilder();
  build(builder);
  return new TopologyTestDriver(
    builder.build(),
    { defaultKeySerde: S as never, defaultValueSerde: S as never },
    0,
  );
}

describe('KStream stateless operations', () => {
  it('filter, filterNot, mapValues, peek', () => {
    const peeked: string[] = [];
    const driver = driverFor((b) => {
      const s = b.stream<string, string>('in', Consumed.with(S, S));
      s.filter((_k, v) => v.startsWith('a'))
        .mapValues((v, k) => `${k}:${v.toUpperCase()}`)
        .peek((_k, v) => peeked.push(v))
        .to('out-a', Produced.with(S, S));
      s.filterNot((_k, v) => v.startsWith('a')).to('out-rest', Produced.with(S, S));
    });
    const input = driver.createInputTopic('in', S, S);
    input.pipeKeyValueList([
      { key: 'k1', value: 'apple' },
      { key: 'k2', value: 'banana' },
      { key: 'k3', value: 'avocado' },
    ]);
    expect(driver.createOutputTopic('out-a', S, S).readValuesToList()).toEqual(['k1:APPLE', 'k3:AVOCADO']);
    expect(driver.createOutputTopic('out-rest', S, S).readKeyValuesToList()).toEqual([
      { key: 'k2', value: 'banana' },
    ]);
    expect(peeked).toEqual(['k1:APPLE', 'k3:AVOCADO']);
  });

  it('map, selectKey, flatMap, flatMapValues change keys and fan out', () => {
    const driver = driverFor((b) => {
      const s = b.stream<string, string>('in', Consumed.with(S, S));
      s.map((k, v) => ({ key: v, value: k })).to('swapped', Produced.with(S, S));
      s.selectKey((_k, v) => v.length.toString()).to('by-length', Produced.with(S, S));
      s.flatMap((k, v) => v.split(' ').map((w) => ({ key: w, value: k }))).to('words', Produced.with(S, S));
      s.flatMapValues((v) => v.split(' ')).to('values', Produced.with(S, S));
    });
    driver.createInputTopic('in', S, S).pipeInput('line1', 'hello big world');
    expect(driver.createOutputTopic('swapped', S, S).readKeyValue()).toEqual({
      key: 'hello big world',
      value: 'line1',
    });
    expect(driver.createOutputTopic('by-length', S, S).readKeyValue()).toEqual({
      key: '15',
      value: 'hello big world',
    });
    expect(
      driver
        .createOutputTopic('words', S, S)
        .readKeyValuesToList()
        .map((kv) => kv.key),
    ).toEqual(['hello', 'big', 'world']);
    expect(driver.createOutputTopic('values', S, S).readKeyValuesToList()).toEqual([
      { key: 'line1', value: 'hello' },
      { key: 'line1', value: 'big' },
      { key: 'line1', value: 'world' },
    ]);
  });

  it('foreach sees every record, including null keys and values', () => {
    const seen: [string | null, string | null][] = [];
    const driver = driverFor((b) =>
      b.stream<string | null, string | null>('in', Consumed.with(S, S)).foreach((k, v) => seen.push([k, v])),
    );
    const input = driver.createInputTopic('in', S, S);
    input.pipeInput(null, 'x');
    input.pipeInput('k', null);
    expect(seen).toEqual([
      [null, 'x'],
      ['k', null],
    ]);
  });

  it('split() sends each record to the first matching branch, default last', () => {
    const driver = driverFor((b) => {
      const branches = b
        .stream<string, string>('in', Consumed.with(S, S))
        .split(Named.as('route-'))
        .branch((_k, v) => v.startsWith('a'), Branched.as('a'))
        .branch(
          (_k, v) => v.startsWith('b'),
          Branched.withFunction((s) => s.mapValues((v) => v.toUpperCase()), 'b'),
        )
        .branch(
          (_k, v) => v.startsWith('c'),
          Branched.withConsumer((s) => s.to('c-topic', Produced.with(S, S)), 'c'),
        )
        .defaultBranch();
      expect([...branches.keys()]).toEqual(['route-a', 'route-b', 'route-0']);
      branches.get('route-a')!.to('a-topic', Produced.with(S, S));
      branches.get('route-b')!.to('b-topic', Produced.with(S, S));
      branches.get('route-0')!.to('other-topic', Produced.with(S, S));
    });
    const input = driver.createInputTopic('in', S, S);
    for (const v of ['ant', 'bee', 'cat', 'dog', 'auk']) input.pipeInput(v, v);
    expect(driver.createOutputTopic('a-topic', S, S).readValuesToList()).toEqual(['ant', 'auk']);
    expect(driver.createOutputTopic('b-topic', S, S).readValuesToList()).toEqual(['BEE']);
    expect(driver.createOutputTopic('c-topic', S, S).readValuesToList()).toEqual(['cat']);
    expect(driver.createOutputTopic('other-topic', S, S).readValuesToList()).toEqual(['dog']);
  });

  it('merge combines two streams; to(extractor) routes per record', () => {
    const driver = driverFor((b) => {
      const left = b.stream<string, string>('left', Consumed.with(S, S));
      const right = b.stream<string, string>('right', Consumed.with(S, S));
      left.merge(right).to((key) => `out-${key}`, Produced.with(S, S));
    });
    driver.createInputTopic('left', S, S).pipeInput('x', 'from-left');
    driver.createInputTopic('right', S, S).pipeInput('y', 'from-right');
    expect(driver.createOutputTopic('out-x', S, S).readValuesToList()).toEqual(['from-left']);
    expect(driver.createOutputTopic('out-y', S, S).readValuesToList()).toEqual(['from-right']);
  });

  it('keeps record timestamps and headers from input to output', () => {
    const driver = driverFor((b) =>
      b
        .stream('in', Consumed.with(S, S))
        .mapValues((v) => `${v}!`)
        .to('out', Produced.with(S, S)),
    );
    driver
      .createInputTopic('in', S, S)
      .pipeRecordList([
        { key: 'k', value: 'v', timestampMs: 1234, headers: [{ key: 'h', value: Buffer.from('1') }] },
      ]);
    const out = driver.createOutputTopic('out', S, S).readRecord();
    expect(out.timestampMs).toBe(1234);
    expect(out.value).toBe('v!');
    expect(out.headers?.[0]?.value.toString()).toBe('1');
  });

  it('names a missing serde and the node that needs it', () => {
    const builder = new StreamsBuilder();
    builder.stream('in').to('out');
    expect(() => new TopologyTestDriver(builder.build())).toThrow(
      /no key serde for source KSTREAM-SOURCE-0000000000/,
    );
  });
});
