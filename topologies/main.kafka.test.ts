import type { ChildProcess } from 'node:child_process';
import { expect, it } from 'vitest';
import { freePorts } from '../test/free-port.js';
import { describeKafka, kafkaBootstrap } from '../test/kafka/broker-context.js';
import { runMain } from '../test/run-main.js';

describeKafka('npm start -- --bootstrap-servers (the shop on a real broker)', () => {
  it('creates the topics, runs every service under load, and closes cleanly', async () => {
    let signalled = false;
    const { code, output } = await runMain(
      ['--bootstrap-servers', kafkaBootstrap, '--port', String(await freePorts(2)), '--rate', '20'],
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

  it('--role: the services in one process, the read models in another, through the broker', async () => {
    const viewsPort = await freePorts(2);
    let servicesChild: ChildProcess | undefined;
    let servicesOutput = '';
    let signalled = false;
    const services = runMain(
      [
        '--bootstrap-servers',
        kafkaBootstrap,
        '--port',
        String(await freePorts(2)),
        '--rate',
        '20',
        '--role',
        'orders,inventory,payments,saga,notifications,analytics',
      ],
      (text, child) => {
        servicesChild = child;
        servicesOutput = text;
      },
      90_000,
    );
    const views = await runMain(
      ['--bootstrap-servers', kafkaBootstrap, '--port', String(viewsPort), '--role', 'views'],
      (text, child) => {
        // The views process counts sagas it only knows from the other process's events (and the
        // other has reported once).
        const counted = /sagas \d+ running, [1-9]\d* completed/.test(text);
        if (!signalled && counted && servicesOutput.includes('sagas: see the views role')) {
          signalled = true;
          child.kill('SIGINT');
        }
      },
      90_000,
    );
    servicesChild?.kill('SIGINT');
    const { code, output } = await services;
    expect(output).toContain('rivulet shop: orders, inventory, payments, saga, notifications, analytics');
    expect(output).toContain('sagas: see the views role');
    expect(code, output).toBe(0);
    expect(views.output).toContain('rivulet shop: views (shop-views)');
    expect(signalled, views.output).toBe(true);
    expect(views.code, views.output).toBe(0);
  }, 120_000);
});
