import { describe, expect, it } from 'vitest';
import { freePorts } from '../test/free-port.js';
import { runMain } from '../test/run-main.js';

describe('npm start (the shop on the embedded log)', () => {
  it('runs every service under load, reports the sagas, and exits 0 after --seconds', async () => {
    const { code, output } = await runMain(['--seconds', '8', '--port', String(await freePorts(2))]);
    expect(output).toContain('Sub-topology: 1');
    expect(output).toMatch(/orders placed [1-9]\d* · sagas \d+ running, [1-9]\d* completed/);
    expect(output).toContain('closed cleanly.');
    expect(code).toBe(0);
  }, 60_000);

  it('closes cleanly on Ctrl-C (SIGINT)', async () => {
    let signalled = false;
    const { code, output } = await runMain(['--port', String(await freePorts(2))], (text, child) => {
      if (!signalled && text.includes('orders placed')) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    expect(signalled).toBe(true);
    expect(output).toContain('Ctrl-C: stopping');
    expect(output).toContain('closed cleanly.');
    expect(code).toBe(0);
  }, 60_000);

  it('prints the API URLs, and they answer from every instance: an order placed on one is read on the other', async () => {
    const port = await freePorts(2);
    const first = `http://127.0.0.1:${port}`;
    const second = `http://127.0.0.1:${port + 1}`;
    let checked: Promise<void> | undefined;
    const { code, output } = await runMain(['--port', String(port), '--rate', '5'], (text, child) => {
      if (checked || !text.includes('orders placed')) return;
      checked = (async () => {
        const placed = await fetch(`${first}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            customerId: 'customer-test',
            lines: [{ productId: 'keyboard', quantity: 1, unitPriceCents: 4_999 }],
          }),
        });
        expect(placed.status).toBe(202);
        const { orderId } = (await placed.json()) as { orderId: string };
        const order = (await (await fetch(`${second}/orders/${orderId}?minVersion=2`)).json()) as {
          status: string;
        };
        expect(['confirmed', 'cancelled']).toContain(order.status);
        // The customer history is re-keyed by customer: it follows a commit interval later.
        let history: string[] = [];
        for (let tries = 0; history.length === 0 && tries < 100; tries++) {
          await new Promise((r) => setTimeout(r, 100));
          const answer = (await (await fetch(`${second}/customers/customer-test/orders`)).json()) as {
            orders: { orderId: string }[];
          };
          history = answer.orders.map((o) => o.orderId);
        }
        expect(history).toEqual([orderId]);
        for (const url of [first, second]) {
          const sagas = (await (await fetch(`${url}/sagas`)).json()) as { completed: number };
          expect(sagas.completed).toBeGreaterThan(0);
          const stock = (await (await fetch(`${url}/products/keyboard/stock`)).json()) as { onHand: number };
          expect(stock.onHand).toBe(50_000);
        }
      })().finally(() => child.kill('SIGINT'));
    });
    await checked;
    for (const route of ['/orders', '/customers/customer-1/orders', '/sagas', '/docs'])
      expect(output).toContain(`${first}${route}`);
    expect(output).toContain('closed cleanly.');
    expect(code).toBe(0);
  }, 60_000);

  it('stops with the reason when the schema registry does not answer', async () => {
    const { code, output } = await runMain(['--seconds', '5', '--schema-registry', 'http://127.0.0.1:9']);
    expect(output).toMatch(
      /instance-1 could not start: sink .* \(topic order-events\): its serde could not be prepared: schema registry http:\/\/127\.0\.0\.1:9/,
    );
    expect(code).toBe(1);
  }, 60_000);

  it('rejects a bad argument with its usage', async () => {
    for (const args of [
      ['--seconds', 'soon'],
      ['--seconds=-1'],
      ['--instances', '0'],
      ['--port', '80'],
      ['--rate', '-5'],
      ['--decline-rate', '2'],
      ['--role', 'orders,bogus'],
      ['--role', 'views'], // a role alone needs Kafka: the embedded log lives in one process
      ['--schema-registry', 'localhost:8081'],
      ['--bogus'],
    ]) {
      const { code, output } = await runMain(args);
      expect(output, args.join(' ')).toContain('usage: npm start');
      expect(code, args.join(' ')).toBe(2);
    }
  }, 60_000);
});
