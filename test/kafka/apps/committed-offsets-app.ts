// A child process for the native-crash regression test: asks a broker that has just started
// (no __consumer_offsets yet) for a group's committed offsets, retrying transient answers (e.g.
// NOT_COORDINATOR while the coordinator loads) with back-off as the engine does.
// Usage: node --import tsx committed-offsets-app.ts <bootstrap>. Prints `OFFSETS <json>` or `ERROR <message>`.
import { defaultLogger } from '../../../engine/logger.js';
import { withRetries } from '../../../engine/runtime/internals/retry.js';
import { KafkaAdmin } from '../../../engine/transport/kafka/admin.js';

const admin = new KafkaAdmin(process.argv[2]!, 'crash-regression');
const logger = defaultLogger();
try {
  for (let i = 0; i < 3; i++) {
    const group = `group-${i}`;
    const offsets = await withRetries(
      `reading the offsets of ${group}`,
      () => admin.committedOffsets(group, [{ topic: 'no-such-topic', partition: 0 }]),
      { timeoutMs: 60_000, logger },
    );
    console.log(`OFFSETS ${JSON.stringify(offsets)}`);
  }
} catch (err) {
  console.log(`ERROR ${(err as Error).message}`);
} finally {
  await admin.close();
}
