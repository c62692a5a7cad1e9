import type { KafkaStreams } from 'rivulet';

/** Runs an instance in a child process: prints `STATE <state>` on each change (and the error on ERROR); SIGTERM closes it. */
export async function runChild(streams: KafkaStreams): Promise<void> {
  streams.setStateListener((next) => {
    console.log(`STATE ${next}`);
    if (next === 'ERROR') console.log(`ERROR ${streams.error()?.stack}`);
  });
  process.on('SIGTERM', () => void streams.close().then(() => process.exit(0)));
  await streams.start();
}
