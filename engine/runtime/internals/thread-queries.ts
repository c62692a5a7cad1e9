import { MessageChannel, type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import type { StateStore } from '../../../state-stores/state-store.js';
import { StoreNotQueryableError, StreamsError } from '../../errors.js';
import type { Serde } from '../../serdes/serde.js';
import type { QueryableStoreKind } from '../store-query.js';
import { kindOfStore, queryView } from './queryable-stores.js';
import type { StreamTask } from './stream-task.js';

// Interactive queries of stores that live in stream threads' workers. The store API is synchronous,
// so the instance asks a worker synchronously: it posts the query on a channel of their own and
// waits on a shared counter (Atomics.wait) until the worker, between two batches, has answered;
// results cross by structured clone (plain data; a Buffer arrives as a Buffer, a class instance as
// a plain object), iterators as arrays.

/** One read on a store's view in a worker: a method of the requested kind's read-only view. */
export interface StoreQuery {
  readonly id: number;
  readonly store: string;
  readonly kind: QueryableStoreKind;
  readonly partition: number | undefined;
  readonly stale: boolean;
  readonly method: string;
  readonly args: readonly unknown[];
}

type StoreAnswer =
  | { readonly id: number; readonly value: unknown; readonly iterator: boolean }
  | { readonly id: number; readonly error: string; readonly notQueryable: boolean };

/** The worker's end: where queries arrive and the counter it bumps after each answer. */
export interface QueryEnd {
  readonly port: MessagePort;
  readonly answered: Int32Array;
}

/** prefixScan's prefix crosses as the bytes the caller's serde made of it. */
const PREFIX_BYTES: Serde<Buffer> = {
  serialize: (_topic, bytes) => bytes,
  deserialize: (_topic, bytes) => bytes,
};

/** The instance's end of one worker's query channel. */
export class ThreadQueryChannel {
  private readonly channel = new MessageChannel();
  private readonly answered = new Int32Array(new SharedArrayBuffer(4));
  private lastId = 0;

  constructor(
    private readonly threadName: string,
    private readonly timeoutMs: number,
  ) {}

  /** What the worker gets (its port must be in the Worker's transferList). */
  get workerEnd(): QueryEnd {
    return { port: this.channel.port2, answered: this.answered };
  }

  close(): void {
    this.channel.port1.close();
  }

  /**
   * A store of the worker, as far as queries go: every call is a query answered by the worker's
   * view of `query.kind` (the store's own kind: a timestamped store answers with its timestamps,
   * and the caller's view drops them as for a local store).
   */
  remoteStore(query: Omit<StoreQuery, 'id' | 'method' | 'args'>, timestamped: boolean): StateStore {
    const call =
      (method: string) =>
      (...args: unknown[]): unknown => {
        // The serde cannot cross threads; the prefix's bytes can.
        if (method === 'prefixScan') args = [(args[1] as Serde<unknown>).serialize(query.store, args[0])];
        return this.ask({ ...query, method, args });
      };
    return new Proxy({} as StateStore, {
      get: (_target, property) => {
        if (property === 'timestamped') return timestamped;
        return typeof property === 'string' && property !== 'then' ? call(property) : undefined;
      },
    });
  }

  private ask(query: Omit<StoreQuery, 'id'>): unknown {
    const id = ++this.lastId;
    this.channel.port1.postMessage({ ...query, id } satisfies StoreQuery);
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.answered, 0);
      // Answers to queries given up on earlier may come first: they are dropped.
      for (
        let m = receiveMessageOnPort(this.channel.port1);
        m;
        m = receiveMessageOnPort(this.channel.port1)
      ) {
        const answer = m.message as StoreAnswer;
        if (answer.id === id) return unpack(answer, query.store);
      }
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.answered, 0, seen, left) === 'timed-out')
        throw new StoreNotQueryableError(
          query.store,
          'RUNNING',
          `store ${query.store}: ${this.threadName} did not answer within ${this.timeoutMs} ms (busy with a long batch or a restore); retry`,
        );
    }
  }
}

function unpack(answer: StoreAnswer, store: string): unknown {
  if ('error' in answer)
    throw answer.notQueryable
      ? new StoreNotQueryableError(store, 'RUNNING', answer.error)
      : new StreamsError(answer.error);
  const value = revive(answer.value);
  return answer.iterator ? (value as unknown[])[Symbol.iterator]() : value;
}

/** Answers the queries arriving at `end` from the tasks the thread has now (none before it runs). */
export function answerStoreQueries(end: QueryEnd, tasks: () => Iterable<StreamTask>): void {
  end.port.on('message', (query: StoreQuery) => {
    try {
      end.port.postMessage(answer(query, tasks()));
    } catch (err) {
      // A value that cannot cross threads (a function in it, say) fails this query, not the stream thread.
      const error = `store ${query.store}: ${query.method}() answered with a value that cannot be copied to the querying thread (${(err as Error).message}); values crossing stream threads must be plain data`;
      end.port.postMessage({ id: query.id, error, notQueryable: false } satisfies StoreAnswer);
    }
    Atomics.add(end.answered, 0, 1);
    Atomics.notify(end.answered, 0);
  });
}

function answer(query: StoreQuery, tasks: Iterable<StreamTask>): StoreAnswer {
  try {
    const stores: StateStore[] = [];
    for (const task of tasks) {
      const store = task.stateManager.stores.get(query.store);
      if (!store || (!query.stale && task.status !== 'RUNNING')) continue;
      if (query.partition === undefined || task.id.partition === query.partition) stores.push(store);
    }
    const view = queryView(query.kind, stores[0] && kindOfStore(stores[0]), () => stores) as Record<
      string,
      (...args: unknown[]) => unknown
    >;
    const args = query.args.map(revive);
    const result = view[query.method]!(...(query.method === 'prefixScan' ? [args[0], PREFIX_BYTES] : args));
    const iterator = typeof result === 'object' && result !== null && Symbol.iterator in result;
    return { id: query.id, value: iterator ? [...(result as Iterable<unknown>)] : result, iterator };
  } catch (err) {
    const e = err as Error;
    return { id: query.id, error: e.message, notQueryable: e instanceof StoreNotQueryableError };
  }
}

/** Structured clone makes a Buffer a plain Uint8Array: a Buffer again, inside plain objects and arrays too. */
function revive(value: unknown): unknown {
  if (value instanceof Uint8Array)
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) return value.map(revive);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = revive(v);
    return out;
  }
  return value;
}
