// The limit through the batch prototype (bench/broker/batch-addon): the same consume → produce loop and
// client settings as limit-app.ts, but one native call per batch each way and no JS object per record.
// The consume call runs on the main thread and waits at most 100 ms for a first record (librdkafka
// prefetches on its own threads, so there is no batch in flight to overlap with).
import { loadBatchAddon } from '../batch-addon/load.js';
import { appArgs, READY_LINE } from './app-args.js';

const addon = loadBatchAddon();
const args = appArgs();
const eos = args.guarantee === 'exactly_once_v2';
const TIMEOUT_MS = 30_000;
const INTS = 5;
const NUMS = 2;

const consumer = addon.create(
  'consumer',
  [
    ['bootstrap.servers', args.bootstrap],
    ['group.id', args.applicationId],
    ['enable.auto.commit', 'false'],
    ['auto.offset.reset', 'earliest'],
    ['isolation.level', eos ? 'read_committed' : 'read_uncommitted'],
    ['fetch.wait.max.ms', '50'],
    ['partition.assignment.strategy', 'range'],
    ['fetch.queue.backoff.ms', '10'],
  ].flat(),
);
const producer = addon.create(
  'producer',
  [
    ['bootstrap.servers', args.bootstrap],
    ['linger.ms', '5'],
    ['batch.num.messages', '10000'],
    ['queue.buffering.max.messages', '1000000'],
    ['compression.type', 'lz4'],
    ['enable.idempotence', 'true'],
    ['partitioner', 'murmur2_random'],
    ...(eos ? [['transactional.id', `${args.applicationId}-limit-batch`]] : []),
  ].flat(),
);
if (eos) {
  addon.transaction(producer, 'init', TIMEOUT_MS);
  addon.transaction(producer, 'begin', TIMEOUT_MS);
}
addon.subscribe(consumer, args.input);
console.log(READY_LINE);

/** Next offset to commit, by partition (-1: nothing consumed there yet). */
const positions: number[] = [];
let lastCommit = Date.now();
let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});

function commit(): void {
  const partitions = positions.flatMap((offset, partition) => (offset >= 0 ? [partition] : []));
  if (partitions.length === 0) return;
  const offsets = partitions.map((p) => positions[p]!);
  if (eos) {
    addon.sendOffsets(producer, consumer, args.input, partitions, offsets, TIMEOUT_MS);
    addon.transaction(producer, 'commit', TIMEOUT_MS);
    addon.transaction(producer, 'begin', TIMEOUT_MS);
  } else {
    addon.flush(producer, TIMEOUT_MS);
    addon.commit(consumer, args.input, partitions, offsets);
  }
}

while (!stopping) {
  const [data, index, meta, count] = addon.consume(consumer, 1000, 100);
  for (let i = 0; i < count; i++) {
    positions[index[i * INTS]!] = meta[i * NUMS]! + 1;
    index[i * INTS] = -1; // the partitioner chooses, as limit-app.ts's produce(…, null, …) does
  }
  for (let from = 0; from < count; ) {
    from += addon.produce(producer, args.output, data, index, meta, from, count - from);
    if (from < count) addon.poll(producer, 1); // librdkafka's queue is full: let it drain
  }
  addon.poll(producer, 0);
  if (Date.now() - lastCommit >= args.commitIntervalMs) {
    commit();
    lastCommit = Date.now();
  }
  await new Promise((resolve) => setImmediate(resolve)); // lets SIGTERM in
}
commit();
addon.close(consumer, true);
addon.close(producer, false);
process.exit(0);
