import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StoreChange, StoreChangeEvent, StoreDescription } from 'rivulet';
import type { Subscription } from 'rxjs';
import { HttpError } from '../http-error.js';
import { toJsonValue } from '../json-value.js';
import { errors, keyParams, storeParams } from '../schemas.js';
import { SseStream } from '../sse.js';
import type { StoreAccess } from '../store-access.js';
import { subscriptionMetrics } from '../subscription-metrics.js';

export interface ChangesSettings {
  readonly heartbeatMs: number;
  readonly maxBufferedBytes: number;
  readonly maxSubscriptions: number;
}

/** What a subscription starts with: the current values, then every change after them. */
type Initial = { readonly key: unknown; readonly value: unknown; readonly timestamp?: number }[];

const sseResponse = {
  200: {
    description: 'text/event-stream: `initial`, then `change` events (id: the resume position), `end` last',
    type: 'string',
  },
  ...errors(400, 401, 404, 429, 503),
} as const;

/**
 * Live subscriptions as Server-Sent Events. Changes come from the store's changelog (committed
 * ones only), which any instance can read, so a subscription is served where it arrives and
 * survives rebalances; the current value(s) come first, read through the key and entries routes.
 */
export function changesRoutes(
  app: FastifyInstance,
  access: StoreAccess,
  settings: ChangesSettings,
): () => void {
  const open = new Set<SseStream>();
  const metrics = subscriptionMetrics(access.streams.metrics(), () => open.size);

  function subscribe(
    request: FastifyRequest,
    reply: FastifyReply,
    store: StoreDescription,
    options: { key?: unknown; prefix?: unknown },
    initial: () => Promise<Initial>,
  ): void {
    if (open.size >= settings.maxSubscriptions)
      throw access.unavailable(
        `this instance already serves ${open.size} subscriptions (changes.maxSubscriptions); retry later or ask another instance`,
      );
    const resume = parseEventId(request.headers['last-event-id']);
    const changes = access.streams.changes<unknown, unknown>(store.name, {
      ...options,
      from: resume ?? undefined,
    });
    reply.hijack();
    const stream = new SseStream(reply.raw, settings.heartbeatMs, settings.maxBufferedBytes);
    open.add(stream);
    const latest = new Map<string, unknown>();
    const positions = new Map<number, number>();
    const fail = (err: Error) =>
      stream.end('error', err instanceof HttpError ? err.message : `the subscription failed: ${err.message}`);
    // Changes that arrive while the current values are read wait for them, in order. Otherwise
    // each change is written as it comes: nothing here queues what the client has not taken.
    let waiting: StoreChange<unknown, unknown>[] | null = null;
    let subscription: Subscription | undefined;
    let ended = false;
    stream.onClose((reason) => {
      ended = true;
      open.delete(stream);
      subscription?.unsubscribe();
      if (reason === 'slow-consumer') metrics.dropped.inc();
    });
    subscription = changes.subscribe({
      next: (event: StoreChangeEvent<unknown, unknown>) => {
        if (event.type === 'change') {
          if (waiting) waiting.push(event);
          else sendChange(stream, event, latest, positions);
          return;
        }
        for (const p of event.positions) positions.set(p.partition, p.offset);
        if (resume) return;
        const queued: StoreChange<unknown, unknown>[] = [];
        waiting = queued;
        initial().then((values) => {
          for (const v of values) latest.set(JSON.stringify(v.key), v.value);
          stream.send('initial', { entries: values }, eventId(positions));
          waiting = null;
          for (const change of queued) sendChange(stream, change, latest, positions);
        }, fail);
      },
      error: fail,
    });
    // It may have failed at once (and ended the stream) before `subscription` was set.
    if (ended) subscription.unsubscribe();
  }

  /** Reads through the server's own routes (local or forwarded, with the caller's authorization). */
  async function viaRoute(request: FastifyRequest, url: string): Promise<unknown> {
    const answer = await app.inject({
      method: 'GET',
      url,
      headers: request.headers.authorization ? { authorization: request.headers.authorization } : {},
    });
    if (answer.statusCode === 404) return undefined;
    if (answer.statusCode !== 200) {
      const body = answer.json() as { message?: string };
      throw new HttpError(
        answer.statusCode,
        'initial-read-failed',
        `reading the current value failed: ${body.message ?? answer.body}`,
      );
    }
    return answer.json();
  }

  app.get<{ Params: { store: string; key: string } }>(
    '/stores/:store/keys/:key/changes',
    {
      // An event stream has no head: a HEAD would open a subscription that sends nothing.
      exposeHeadRoute: false,
      schema: {
        summary: "A key's value, then every committed change (Server-Sent Events)",
        tags: ['changes'],
        params: keyParams,
        response: sseResponse,
      },
    },
    (request, reply) => {
      const store = changeable(access, request.params.store);
      const key = access.parseKey(store, request.params.key);
      const path = `/stores/${encodeURIComponent(store.name)}/keys/${encodeURIComponent(request.params.key)}`;
      subscribe(request, reply, store, { key }, async () => {
        const found = (await viaRoute(request, path)) as
          | { key: unknown; value: unknown; timestamp?: number }
          | undefined;
        return [found ?? { key: toJsonValue(key), value: null }];
      });
    },
  );

  app.get<{ Params: { store: string }; Querystring: { prefix?: string } }>(
    '/stores/:store/changes',
    {
      exposeHeadRoute: false,
      schema: {
        summary:
          "A store's entries (optionally under a prefix), then every committed change (Server-Sent Events)",
        tags: ['changes'],
        params: storeParams,
        querystring: { type: 'object', properties: { prefix: { type: 'string' } } },
        response: sseResponse,
      },
    },
    (request, reply) => {
      const store = changeable(access, request.params.store);
      const prefixText = request.query.prefix;
      const prefix = prefixText === undefined ? undefined : access.parseKey(store, prefixText);
      subscribe(request, reply, store, prefix === undefined ? {} : { prefix }, async () => {
        const entries: Initial = [];
        let cursor: string | null = null;
        do {
          const query = new URLSearchParams(prefixText === undefined ? {} : { prefix: prefixText });
          if (cursor) query.set('cursor', cursor);
          const page = (await viaRoute(
            request,
            `/stores/${encodeURIComponent(store.name)}/entries?${query}`,
          )) as {
            entries: Initial;
            next: string | null;
          };
          entries.push(...page.entries);
          cursor = page.next;
        } while (cursor);
        return entries;
      });
    },
  );

  return () => {
    for (const stream of [...open])
      stream.end(
        'shutdown',
        'the query server is shutting down; reconnect to another instance with Last-Event-ID',
      );
  };
}

function changeable(access: StoreAccess, name: string): StoreDescription {
  const store = access.describeAs(name, ['key-value', 'timestamped-key-value'], 'live changes');
  if (!store.changelogTopic)
    throw new HttpError(
      400,
      'no-changelog',
      `store ${name} has logging disabled; live changes are read from its changelog, so enable logging for it`,
    );
  return store;
}

function sendChange(
  stream: SseStream,
  change: StoreChange<unknown, unknown>,
  latest: Map<string, unknown>,
  positions: Map<number, number>,
): void {
  const key = toJsonValue(change.key);
  const id = JSON.stringify(key);
  const value = toJsonValue(change.value);
  const oldValue = latest.get(id) ?? null;
  if (value === null) latest.delete(id);
  else latest.set(id, value);
  positions.set(change.partition, change.offset + 1);
  stream.send(
    'change',
    {
      key,
      value,
      oldValue,
      timestamp: change.timestampMs,
      partition: change.partition,
      offset: change.offset,
    },
    eventId(positions),
  );
}

/** An event id: where each partition of the subscription resumes, `p:offset` joined by commas. */
function eventId(positions: ReadonlyMap<number, number>): string {
  return [...positions].map(([p, o]) => `${p}:${o}`).join(',');
}

function parseEventId(header: string | string[] | undefined): { partition: number; offset: number }[] | null {
  if (typeof header !== 'string' || header === '') return null;
  const positions = header.split(',').map((part) => {
    const match = /^(\d+):(\d+)$/.exec(part);
    if (!match)
      throw new HttpError(
        400,
        'bad-last-event-id',
        `Last-Event-ID '${header}' is not an id this server sent (partition:offset,...)`,
      );
    return { partition: Number(match[1]), offset: Number(match[2]) };
  });
  return positions;
}
