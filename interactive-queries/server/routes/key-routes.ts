import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { QueryableStoreTypes, type StoreDescription } from 'rivulet';
import { FORWARDED_HEADER, type Forwarder } from '../forwarder.js';
import { HttpError } from '../http-error.js';
import { toJsonValue } from '../json-value.js';
import { anyValue, entrySchema, errors, hostSchema, keyParams, staleQuery } from '../schemas.js';
import type { StoreAccess } from '../store-access.js';

interface KeyRequest {
  Params: { store: string; key: string };
  Querystring: { stale: boolean; asOf?: number; from?: number; to?: number };
}

const KEY_VALUE_KINDS = ['key-value', 'timestamped-key-value', 'versioned-key-value'];
const WINDOW_KINDS = ['window', 'timestamped-window'];

/** Reads of one key: its value, its windows, its sessions, and where it lives. */
export function keyRoutes(app: FastifyInstance, access: StoreAccess, forwarder: Forwarder): void {
  /** Answers here, or passes the request to the instance that hosts the key and its answer back. */
  async function answer(
    request: FastifyRequest<KeyRequest>,
    reply: FastifyReply,
    store: StoreDescription,
    read: (key: unknown, partition: number | undefined, stale: boolean) => unknown,
  ): Promise<unknown> {
    const key = access.parseKey(store, request.params.key);
    const location = access.locate(
      store,
      key,
      request.query.stale,
      request.headers[FORWARDED_HEADER] !== undefined,
    );
    if (location.where === 'there') {
      const forwarded = await forwarder.get(location.address, request.url, request.headers.authorization);
      return reply.code(forwarded.statusCode).headers(forwarded.headers).send(forwarded.body);
    }
    reply.header('x-rivulet-answered-by', access.selfAddress() ?? 'unknown');
    if (location.partition !== undefined) reply.header('x-rivulet-partition', String(location.partition));
    if (location.stale) reply.header('x-rivulet-lag', await lagOf(access, store.name, location.partition));
    return read(key, location.partition, location.stale);
  }

  app.get<KeyRequest>(
    '/stores/:store/keys/:key',
    {
      schema: {
        summary: 'The value of a key (key-value, timestamped and versioned stores)',
        tags: ['keys'],
        params: keyParams,
        querystring: {
          type: 'object',
          properties: {
            stale: staleQuery,
            asOf: { type: 'integer', description: 'versioned stores: the value as of this time (ms)' },
          },
        },
        response: {
          200: { ...entrySchema, properties: { ...entrySchema.properties, validTo: { type: 'integer' } } },
          ...errors(400, 401, 404, 429, 502, 503, 504),
        },
      },
    },
    (request, reply) => {
      const store = access.describeAs(request.params.store, KEY_VALUE_KINDS, 'GET /stores/:store/keys/:key');
      return answer(request, reply, store, (key, partition, stale) => {
        const found = readValue(access, store, key, partition, stale, request.query.asOf);
        if (!found)
          throw new HttpError(
            404,
            'unknown-key',
            `store ${store.name} has no value for key '${request.params.key}'`,
          );
        return { key: toJsonValue(key), ...found };
      });
    },
  );

  app.get<KeyRequest>(
    '/stores/:store/keys/:key/windows',
    {
      schema: {
        summary: "A key's windows starting in [from, to] (window stores), oldest first",
        tags: ['keys'],
        params: keyParams,
        querystring: {
          type: 'object',
          properties: {
            stale: staleQuery,
            from: { type: 'integer', default: 0, description: 'earliest window start (ms)' },
            to: {
              type: 'integer',
              default: Number.MAX_SAFE_INTEGER,
              description: 'latest window start (ms)',
            },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['key', 'windows'],
            properties: {
              key: anyValue,
              windows: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['start', 'end', 'value'],
                  properties: {
                    start: { type: 'integer' },
                    end: { type: 'integer' },
                    value: anyValue,
                    timestamp: { type: 'integer' },
                  },
                },
              },
            },
          },
          ...errors(400, 401, 404, 429, 502, 503, 504),
        },
      },
    },
    (request, reply) => {
      const store = access.describeAs(
        request.params.store,
        WINDOW_KINDS,
        'GET /stores/:store/keys/:key/windows',
      );
      const { from = 0, to = Number.MAX_SAFE_INTEGER } = request.query;
      return answer(request, reply, store, (key, partition, stale) => {
        const timestamped = store.kind === 'timestamped-window';
        const view = timestamped
          ? access.view(
              store,
              QueryableStoreTypes.timestampedWindowStore<unknown, unknown>(),
              partition,
              stale,
            )
          : access.view(store, QueryableStoreTypes.windowStore<unknown, unknown>(), partition, stale);
        const windows = [...view.fetch(key, key, from, to)].map(({ key: w, value }) => ({
          start: w.startMs,
          end: w.endMs,
          ...valueFields(value, timestamped),
        }));
        return { key: toJsonValue(key), windows };
      });
    },
  );

  app.get<KeyRequest>(
    '/stores/:store/keys/:key/sessions',
    {
      schema: {
        summary: "A key's sessions (session stores), by start",
        tags: ['keys'],
        params: keyParams,
        querystring: { type: 'object', properties: { stale: staleQuery } },
        response: {
          200: {
            type: 'object',
            required: ['key', 'sessions'],
            properties: {
              key: anyValue,
              sessions: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['start', 'end', 'value'],
                  properties: { start: { type: 'integer' }, end: { type: 'integer' }, value: anyValue },
                },
              },
            },
          },
          ...errors(400, 401, 404, 429, 502, 503, 504),
        },
      },
    },
    (request, reply) => {
      const store = access.describeAs(
        request.params.store,
        ['session'],
        'GET /stores/:store/keys/:key/sessions',
      );
      return answer(request, reply, store, (key, partition, stale) => {
        const view = access.view(
          store,
          QueryableStoreTypes.sessionStore<unknown, unknown>(),
          partition,
          stale,
        );
        const sessions = [...view.fetch(key)].map(({ key: s, value }) => ({
          start: s.startMs,
          end: s.endMs,
          value: toJsonValue(value),
        }));
        return { key: toJsonValue(key), sessions };
      });
    },
  );

  app.get<KeyRequest>(
    '/stores/:store/keys/:key/metadata',
    {
      schema: {
        summary: 'Where a key lives: its partition, the instance hosting it and the standbys',
        tags: ['keys'],
        params: keyParams,
        response: {
          200: {
            type: 'object',
            required: ['key', 'partition', 'activeHost', 'standbyHosts'],
            properties: {
              key: anyValue,
              partition: { type: ['integer', 'null'] },
              activeHost: { anyOf: [hostSchema, { type: 'null' }] },
              standbyHosts: { type: 'array', items: hostSchema },
            },
          },
          ...errors(400, 401, 404, 429, 503),
        },
      },
    },
    (request) => {
      const store = access.describe(request.params.store);
      const key = access.parseKey(store, request.params.key);
      if (store.global) return { key: toJsonValue(key), partition: null, activeHost: null, standbyHosts: [] };
      const metadata = access.notQueryableAs503(store.name, () =>
        access.streams.queryMetadataForKey(store.name, key, store.keySerde!),
      );
      const host = (h: { instanceId: string; hostInfo: string | null }) => ({
        instanceId: h.instanceId,
        hostInfo: h.hostInfo,
      });
      return {
        key: toJsonValue(key),
        partition: metadata.partition,
        activeHost: metadata.activeHost && host(metadata.activeHost),
        standbyHosts: metadata.standbyHosts.map(host),
      };
    },
  );
}

/** The value of a key-value kind of store, with its timestamp where the store keeps one. */
function readValue(
  access: StoreAccess,
  store: StoreDescription,
  key: unknown,
  partition: number | undefined,
  stale: boolean,
  asOf: number | undefined,
): { value: unknown; timestamp?: number; validTo?: number } | null {
  switch (store.kind) {
    case 'versioned-key-value': {
      const view = access.view(
        store,
        QueryableStoreTypes.versionedKeyValueStore<unknown, unknown>(),
        partition,
        stale,
      );
      const record = asOf === undefined ? view.get(key) : view.get(key, asOf);
      return (
        record && {
          value: toJsonValue(record.value),
          timestamp: record.timestampMs,
          validTo: record.validToMs,
        }
      );
    }
    case 'timestamped-key-value': {
      const found = access
        .view(store, QueryableStoreTypes.timestampedKeyValueStore<unknown, unknown>(), partition, stale)
        .get(key);
      return found && { value: toJsonValue(found.value), timestamp: found.timestampMs };
    }
    default: {
      const value = access
        .view(store, QueryableStoreTypes.keyValueStore<unknown, unknown>(), partition, stale)
        .get(key);
      return value === null ? null : { value: toJsonValue(value) };
    }
  }
}

/** A window's value fields: the value, and its timestamp for a timestamped store. */
function valueFields(value: unknown, timestamped: boolean): { value: unknown; timestamp?: number } {
  if (!timestamped) return { value: toJsonValue(value) };
  const { value: inner, timestampMs: timestamp } = value as { value: unknown; timestampMs: number };
  return { value: toJsonValue(inner), timestamp };
}

/** The X-Rivulet-Lag of a stale read: the changelog records the local copy has yet to apply ('unknown' before a restore starts). */
async function lagOf(access: StoreAccess, store: string, partition: number | undefined): Promise<string> {
  if (partition === undefined) return '0';
  const lag = (await access.streams.allLocalStorePartitionLags()).get(store)?.get(partition);
  return lag === undefined ? 'unknown' : String(lag.offsetLag);
}
