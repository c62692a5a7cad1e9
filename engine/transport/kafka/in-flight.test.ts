import { describe, expect, it } from 'vitest';
import { ClientFatalError } from '../../errors.js';
import { InFlight } from './in-flight.js';

describe('InFlight', () => {
  it('fails a native call that does not answer in time as a fatal client error, and keeps tracking it', async () => {
    const calls = new InFlight('producer p');
    let answer!: () => void;
    const native = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const call = calls.run(() => native, { doing: 'committing', withinMs: 20, client: 'producer' });
    await expect(call).rejects.toThrow(ClientFatalError);
    await expect(call).rejects.toThrow(/committing: librdkafka did not answer within 20 ms/);
    // The native call is still under way: closing waits for it (disconnecting under it would crash).
    let closed = false;
    const closing = calls.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(false);
    answer();
    await closing;
    expect(closed).toBe(true);
  });

  it('passes an answer in time through', async () => {
    const calls = new InFlight('producer p');
    await expect(
      calls.run(() => Promise.resolve(7), { doing: 'x', withinMs: 1_000, client: 'producer' }),
    ).resolves.toBe(7);
  });
});
