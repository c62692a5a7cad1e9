import { StreamsError } from '../../errors.js';

/**
 * The native calls a client handle has under way. librdkafka's binding runs them on worker
 * threads; disconnecting the handle while one runs frees what the worker still uses, and the
 * process dies with SIGSEGV. So a client closes only once its calls have settled, and refuses
 * new ones after that with an error instead of touching a freed handle.
 */
export class InFlight {
  private pending = new Set<Promise<unknown>>();
  private closed = false;

  constructor(private readonly client: string) {}

  /** Runs a native call, unless the client is closing. */
  run<T>(call: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StreamsError(`${this.client} is closed`));
    const p = call();
    this.pending.add(p);
    const forget = () => this.pending.delete(p);
    p.then(forget, forget);
    return p;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Refuses new calls and resolves once the ones under way have settled. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
