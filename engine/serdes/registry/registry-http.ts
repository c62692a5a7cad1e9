import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

/** One HTTP exchange with the registry, as the serdes need it. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  body: string;
}

// The worker runs `http`'s fetch on its own event loop while the calling thread waits on a
// shared flag. Plain JS in a string: a worker evaluated from source needs no file or loader.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ request, reply, flag }) => {
  let answer;
  try {
    const res = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    answer = { status: res.status, body: await res.text() };
  } catch (err) {
    answer = { error: String((err && err.message) || err) };
  }
  reply.postMessage(answer);
  reply.close();
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

let worker: Worker | undefined;

/** Sends a request; resolves to the answer (any status), rejects when none came. */
export async function http(request: HttpRequest): Promise<HttpResponse> {
  const res = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(request.timeoutMs),
  });
  return { status: res.status, body: await res.text() };
}

/**
 * `http`, but blocking the calling thread until the answer arrives (the worker makes the same
 * `fetch`). Serdes use it only on a cache miss (a schema id first seen in a record, a topic not
 * prepared at start), so the per-record path stays synchronous as it is everywhere else; the wait
 * is that of Java's serializers on a miss.
 */
export function blockingHttp(request: HttpRequest): HttpResponse {
  worker ??= startWorker();
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  worker.postMessage({ request, reply: port2, flag }, [port2]);
  // A little longer than the worker's own abort, so its timeout error is the one reported.
  const waited = Atomics.wait(flag, 0, 0, request.timeoutMs + 1_000);
  const message = receiveMessageOnPort(port1)?.message as HttpResponse | { error: string } | undefined;
  port1.close();
  if (waited === 'timed-out' || message === undefined) {
    throw new Error(`${request.method} ${request.url}: no answer within ${request.timeoutMs} ms`);
  }
  if ('error' in message) throw new Error(`${request.method} ${request.url}: ${message.error}`);
  return message;
}

function startWorker(): Worker {
  const started = new Worker(WORKER_SOURCE, { eval: true });
  // Idle between misses: it must not keep the process alive.
  started.unref();
  return started;
}
