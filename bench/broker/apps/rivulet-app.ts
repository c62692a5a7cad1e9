// rivulet running one benchmark workload against a broker; started by the runner as its own
// process (node --max-old-space-size=1024) so its CPU and memory can be measured alone.
import { KafkaStreams } from 'rivulet';
import { appArgs, READY_LINE } from './app-args.js';

const streams = await KafkaStreams.fromModule(
  new URL('./rivulet-streams-app.ts', import.meta.url),
  appArgs(),
);
streams.setStateListener((state) => {
  if (state === 'RUNNING') console.log(READY_LINE);
  if (state === 'ERROR') {
    console.error('rivulet went to ERROR');
    process.exit(1);
  }
});
const stop = () => {
  streams.close({ timeoutMs: 10_000 }).then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
await streams.start();
