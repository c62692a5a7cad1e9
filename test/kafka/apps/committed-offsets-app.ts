// A child process for the native-crash regression test: asks a broker that has just started
// (no __consumer_offsets yet) for a group's committed offsets, as the bench runner does.
// Usage: node --import tsx committed-offsets-app.ts <bootstrap>. Prints `OFFSETS <json>` or `ERROR <message>`.
import { KafkaAdmin } from '../../../engine/transport/kafka/admin.js';

const admin = new KafkaAdmin(process.argv[2]!, 'crash-regression');
try {
  for (let i = 0; i < 3; i++) {
    const offsets = await admin.committedOffsets(`group-${i}`, [{ topic: 'no-such-topic', partition: 0 }]);
    console.log(`OFFSETS ${JSON.stringify(offsets)}`);
  }
} catch (err) {
  console.log(`ERROR ${(err as Error).message}`);
} finally {
  await admin.close();
}
