import { describe, expect, it } from 'vitest';
import { Consumed, Produced, Serdes, StreamsBuilder, type TimestampExtractor } from '../../index.js';
import { defaultLogger } from '../../logger.js';
import { TaskId } from '../../task-id.js';
import { compileSubtopologies } from '../../topology/internals/subtopologies.js';
import type { ConsumerRecord } from '../../transport/ports.js';
import { topicResolver } from '../internals/internal-topics.js';
import { StreamsMetrics } from '../internals/metrics.js';
import { RefusedOutputs } from '../internals/refused-outputs.js';
import { StreamTask } from '../internals/stream-task.js';

const S = Serdes.String();
const FAIL = {
  deserialization: 'fail',
  processing: 'fail',
  production: 'fail',
  deadLetterQueueTopic: 'dlq',
} as const;

function mergedTask(
  maxTaskIdleMs: number,
  now: { ms: number },
  leftExtractor?: TimestampExtractor,
  caughtUp: Set<string> = new Set(['left', 'right']),
) {
  const builder = new StreamsBuilder();
  const left = Consumed.with(S, S);
  builder
    .stream('left', leftExtractor ? left.withTimestampExtractor(leftExtractor) : left)
    .merge(builder.stream('right', Consumed.with(S, S)))
    .to('out', Produced.with(S, S));
  const topology = builder.build();
  const [sub] = compileSubtopologies(topology.internal);
  const sent: string[] = [];
  const task = new StreamTask(new TaskId(0, 0), sub!, {
    applicationId: 'app',
    builder: topology.internal,
    collector: { send: (_t, _k, v) => sent.push(v!.toString()), partitionsFor: () => 1 },
    metrics: new StreamsMetrics(),
    defaultKeySerde: undefined,
    defaultValueSerde: undefined,
    maxTaskIdleMs,
    isCaughtUp: (topic) => caughtUp.has(topic),
    errorHandling: FAIL,
    recordCache: null,
    applicationStateDir: '/nonexistent',
    resolveTopic: topicResolver('app', topology.internal),
    wallClockMs: () => now.ms,
    logger: defaultLogger(),
    refusedOutputs: new RefusedOutputs(),
    globalStores: new Map(),
  });
  return { task, sent };
}

const rec = (topic: string, offset: number, ts: number): ConsumerRecord => ({
  topic,
  partition: 0,
  offset,
  key: Buffer.from('k'),
  value: Buffer.from(`${topic}@${ts}`),
  timestampMs: ts,
  headers: [],
});

describe('StreamTask', () => {
  it('processes the buffered record with the smallest timestamp across its inputs', () => {
    const { task, sent } = mergedTask(0, { ms: 0 });
    task.addRecords('left', [rec('left', 0, 5), rec('left', 1, 30)]);
    task.addRecords('right', [rec('right', 0, 10), rec('right', 1, 20)]);
    while (task.process());
    expect(sent).toEqual(['left@5', 'right@10', 'right@20', 'left@30']);
    expect(task.streamTimeMs).toBe(30);
    expect(Object.fromEntries(task.consumedOffsets())).toEqual({ left: 2, right: 2 });
  });

  it('compares the inputs by extracted timestamps, and drops and counts a record extracted as negative', () => {
    // The left records' event time is 100 minus their record timestamp (-1 for the one at 101).
    const { task, sent } = mergedTask(0, { ms: 0 }, { extract: (r) => 100 - r.timestampMs });
    task.addRecords('left', [rec('left', 0, 95), rec('left', 1, 101), rec('left', 2, 70)]);
    task.addRecords('right', [rec('right', 0, 10), rec('right', 1, 20)]);
    while (task.process());
    expect(sent).toEqual(['left@95', 'right@10', 'right@20', 'left@70']);
    expect(task.streamTimeMs).toBe(30);
    expect(Object.fromEntries(task.consumedOffsets())).toEqual({ left: 3, right: 2 });
  });

  it('waits maxTaskIdleMs for an empty input before processing anyway', () => {
    const now = { ms: 1000 };
    const { task } = mergedTask(500, now);
    task.addRecords('left', [rec('left', 0, 5)]);
    expect(task.isProcessable(now.ms)).toBe(false);
    now.ms += 499;
    expect(task.isProcessable(now.ms)).toBe(false);
    now.ms += 1;
    expect(task.isProcessable(now.ms)).toBe(true);
  });

  it('waits for an empty input the broker still has records for, whatever maxTaskIdleMs says (KIP-695)', () => {
    const caughtUp = new Set(['left']);
    const { task } = mergedTask(0, { ms: 0 }, undefined, caughtUp);
    task.addRecords('left', [rec('left', 0, 5)]);
    expect(task.isProcessable(1_000_000)).toBe(false);
    caughtUp.add('right'); // the fetch found the right input's end: nothing to wait for
    expect(task.isProcessable(1_000_000)).toBe(true);
    // With maxTaskIdleMs -1 a task never waits.
    const eager = mergedTask(-1, { ms: 0 }, undefined, new Set(['left']));
    eager.task.addRecords('left', [rec('left', 0, 5)]);
    expect(eager.task.isProcessable(0)).toBe(true);
  });

  it('idles maxTaskIdleMs from when an empty input is known to be caught up, per input', () => {
    const caughtUp = new Set(['left']);
    const { task } = mergedTask(500, { ms: 0 }, undefined, caughtUp);
    task.addRecords('left', [rec('left', 0, 5)]);
    expect(task.isProcessable(100)).toBe(false); // lag unknown: no idling starts
    caughtUp.add('right');
    expect(task.isProcessable(200)).toBe(false); // idling from 200
    expect(task.isProcessable(699)).toBe(false);
    expect(task.isProcessable(700)).toBe(true);
  });

  it('processes at once with maxTaskIdleMs 0, and never when all inputs are empty', () => {
    const { task } = mergedTask(0, { ms: 0 });
    expect(task.isProcessable(0)).toBe(false);
    task.addRecords('left', [rec('left', 0, 5)]);
    expect(task.isProcessable(0)).toBe(true);
  });

  it('names topic, partition and offset when a record cannot be deserialized', () => {
    const builder = new StreamsBuilder();
    builder.stream('in', Consumed.with(S, Serdes.Json())).to('out', Produced.with(S, Serdes.Json()));
    const topology = builder.build();
    const [sub] = compileSubtopologies(topology.internal);
    const task = new StreamTask(new TaskId(0, 2), sub!, {
      applicationId: 'app',
      builder: topology.internal,
      collector: { send: () => {}, partitionsFor: () => 1 },
      metrics: new StreamsMetrics(),
      defaultKeySerde: undefined,
      defaultValueSerde: undefined,
      maxTaskIdleMs: 0,
      isCaughtUp: () => true,
      errorHandling: FAIL,
      recordCache: null,
      applicationStateDir: '/nonexistent',
      resolveTopic: (t) => t,
      wallClockMs: () => 0,
      logger: defaultLogger(),
      refusedOutputs: new RefusedOutputs(),
      globalStores: new Map(),
    });
    task.addRecords('in', [{ ...rec('in', 41, 1), partition: 2, value: Buffer.from('{not json') }]);
    expect(() => task.process()).toThrow(/task 0_2: deserialization error for the record at in-2 offset 41/);
  });
});
