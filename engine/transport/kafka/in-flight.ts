import { ClientFatalError, StreamsError } from '../../errors.js';

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

  /**
   * Runs a native call, unless the client is closing. With `answer` (what the call is, and how long
   * it may take), a call that has not answered by then fails as a fatal client error, so the
   * runtime replaces the client instead of waiting forever: seen after a broker bounce, when a
   * call queued behind blocked workers of libuv's pool never ran. The call itself stays tracked.
   */
  run<T>(
    call: () => Promise<T>,
    answer?: { doing: string; withinMs: number; client: 'consumer' | 'producer' },
  ): Promise<T> {
    if (this.closed) return Promise.reject(new StreamsError(`${this.client} is closed`));
    const p = call();
    this.pending.add(p);
    const forget = () => this.pending.delete(p);
    p.then(forget, forget);
    if (!answer) return p;
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ClientFatalError(
              answer.client,
              `${answer.doing}: librdkafka did not answer within ${answer.withinMs} ms (are libuv's worker threads all busy? see UV_THREADPOOL_SIZE in docs/operations.md); the ${answer.client} is replaced`,
            ),
          ),
        answer.withinMs,
      );
    });
    return Promise.race([p, silent]).finally(() => clearTimeout(timer));
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
