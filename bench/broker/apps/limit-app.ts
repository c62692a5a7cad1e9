// The limit: a raw @confluentinc/kafka-javascript consume → produce loop with rivulet's client
// settings (batches of 1,000 records, linger 5 ms, lz4) and no engine: every input record is written
// unchanged to the output, the next batch already being fetched. at_least_once flushes and commits offsets every commit interval;
// exactly_once_v2 sends them in a transaction that commits every interval.
import { callback, Kafka, type RdKafka } from '../native.js';
import { appArgs, READY_LINE } from './app-args.js';

const { KafkaConsumer, Producer } = Kafka;
const args = appArgs();
const eos = args.guarantee === 'exactly_once_v2';
const QUEUE_FULL = -184;

const consumer = new KafkaConsumer(
  {
    'bootstrap.servers': args.bootstrap,
    'group.id': args.applicationId,
    'enable.auto.commit': false,
    'isolation.level': eos ? 'read_committed' : 'read_uncommitted',
    'fetch.wait.max.ms': 50,
    'partition.assignment.strategy': 'range',
    'fetch.queue.backoff.ms': 10, // as rivulet's consumer (engine/transport/kafka/kafka-consumer.ts)
  },
  { 'auto.offset.reset': 'earliest' },
);
const producer = new Producer({
  'bootstrap.servers': args.bootstrap,
  'linger.ms': 5,
  'batch.num.messages': 10_000,
  'queue.buffering.max.messages': 1_000_000,
  'compression.type': 'lz4',
  'enable.idempotence': true,
  dr_cb: false,
  ...(eos ? { 'transactional.id': `${args.applicationId}-limit` } : {}),
});

await callback<unknown>('producer.connect', (cb) => producer.connect({}, cb));
producer.setPollInterval(100);
if (eos) {
  await callback<unknown>('producer.initTransactions', (cb) => producer.initTransactions(30_000, cb));
  await callback<unknown>('producer.beginTransaction', (cb) => producer.beginTransaction(cb));
}
await callback<unknown>('consumer.connect', (cb) => consumer.connect({}, cb));
consumer.setDefaultConsumeTimeout(100); // a batch waits at most as long as rivulet's poll (pollMs)
consumer.subscribe([args.input]);
console.log(READY_LINE);

/** Next offset to commit per partition. */
const positions = new Map<number, number>();
let lastCommit = Date.now();
let stopping = false;

async function commit(): Promise<void> {
  if (positions.size === 0) return;
  const offsets = [...positions].map(([partition, offset]) => ({ topic: args.input, partition, offset }));
  if (eos) {
    await callback<unknown>('producer.sendOffsetsToTransaction', (cb) =>
      producer.sendOffsetsToTransaction(offsets, consumer, 30_000, cb),
    );
    await callback<unknown>('producer.commitTransaction', (cb) => producer.commitTransaction(30_000, cb));
    await callback<unknown>('producer.beginTransaction', (cb) => producer.beginTransaction(cb));
  } else {
    await callback<unknown>('producer.flush', (cb) => producer.flush(30_000, cb));
    // commitCb: the asynchronous commit with a completion callback (missing from the package's typings).
    await callback<unknown>('consumer.commitCb', (cb) =>
      (
        consumer as RdKafka.KafkaConsumer & {
          commitCb(o: typeof offsets, cb: (err: RdKafka.LibrdKafkaError | null) => void): void;
        }
      ).commitCb(offsets, cb),
    );
  }
}

function send(message: RdKafka.Message): void {
  for (;;) {
    try {
      producer.produce(args.output, null, message.value, message.key, message.timestamp);
      return;
    } catch (err) {
      if ((err as RdKafka.LibrdKafkaError).code !== QUEUE_FULL) throw err;
      producer.poll();
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

process.on('SIGTERM', () => {
  stopping = true;
});
// The next batch is fetched while this one is produced: the loop never waits for librdkafka's queue hop.
const nextBatch = () => callback<RdKafka.Message[]>('consumer.consume', (cb) => consumer.consume(1000, cb));
let pending = nextBatch();
while (!stopping) {
  const batch = await pending;
  pending = nextBatch();
  for (const message of batch) {
    send(message);
    positions.set(message.partition, message.offset + 1);
  }
  if (Date.now() - lastCommit >= args.commitIntervalMs) {
    await commit();
    lastCommit = Date.now();
  }
}
await pending;
await commit();
consumer.disconnect();
producer.disconnect();
process.exit(0);
