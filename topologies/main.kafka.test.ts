import { expect, it } from 'vitest';
import { freePort } from '../test/free-port.js';
import { describeKafka, kafkaBootstrap } from '../test/kafka/broker-context.js';
import { runMain } from '../test/run-main.js';

describeKafka('npm start -- --bootstrap-servers (the shop on a real broker)', () => {
  it('creates the topics, runs every service under load, and closes cleanly', async () => {
    let signalled = false;
    const { code, output } = await runMain(
      ['--bootstrap-servers', kafkaBootstrap, '--port', String(await freePort()), '--rate', '20'],
      (text, child) => {
        // Stop once sagas have completed through the broker.
        if (!signalled && /sagas \d+ running, [1-9]\d* completed/.test(text)) {
          signalled = true;
          child.kill('SIGINT');
        }
      },
      90_000,
    );
    expect(output).toContain(`on Kafka at ${kafkaBootstrap}`);
    expect(signalled).toBe(true);
    expect(output).toContain('closed cleanly.');
    expect(code).toBe(0);
  }, 120_000);
});
