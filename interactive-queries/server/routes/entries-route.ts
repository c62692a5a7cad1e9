import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type KeyValue, QueryableStoreTypes, type StoreDescription } from 'rivulet';
import type { Forwarder } from '../forwarder.js';
import { HttpError } from '../http-error.js';
import { toJsonValue } from '../json-value.js';
import { entrySchema, errors, storeParams } from '../schemas.js';
import type { StoreAccess } from '../store-access.js';

interface EntriesQuery {
  from?: string;
  to?: string;
  prefix?: string;
  limit?: number;
  cursor?: string;
  scope: 'application' | 'local';
}

interface Entry {
  readonly key: unknown;
  readonly value: unknown;
  readonly timestamp?: number;
  /** The key's bytes (base64url): the order of entries, and how instances' pages merge. */
  readonly k: string;
}

interface Page {
  readonly entries: Entry[];
  /** The partitions the entries come from. */
  readonly partitions: number[];
  readonly next: string | null;
}

const DEFAULT_PAGE_SIZE = 100;

/**
 * Range, prefix and full scans of key-value stores, a page at a time in key order. Every instance
 * that hosts partitions of the store answers for its own (scope=local); the instance asked merges
 * their pages, and answers 503 rather than a page with partitions missing.
 */
export function entriesRoute(
  app: FastifyInstance,
  access: StoreAccess,
  forwarder: Forwarder,
  maxPageSize: number,
  selfAddress: () => string | undefined,
): void {
  app.get<{ Params: { store: string }; Querystring: EntriesQuery }>(
    '/stores/:store/entries',
    {
      schema: {
        summary: 'Entries of a key-value store in key order: all, a range [from, to], or a prefix; paged',
        tags: ['entries'],
        params: storeParams,
        querystring: {
          type: 'object',
          properties: {
            from: { type: 'string', description: 'first key (inclusive), as text' },
            to: { type: 'string', description: 'last key (inclusive), as text' },
            prefix: { type: 'string', description: 'only keys starting with this (as serialized)' },
            limit: {
              type: 'integer',
              minimum: 1,
              maximum: maxPageSize,
              description: `page size (default ${Math.min(DEFAULT_PAGE_SIZE, maxPageSize)})`,
            },
            cursor: {
              type: 'string',
              pattern: '^[A-Za-z0-9_-]*$',
              description: 'the `next` of the previous page',
            },
            scope: {
              type: 'string',
              enum: ['application', 'local'],
              default: 'application',
              description: 'local: only the partitions this instance hosts',
            },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['entries', 'partitions', 'next'],
            properties: {
              entries: {
                type: 'array',
                // k: the key's bytes, in the pages instances send each other
                items: { ...entrySchema, properties: { ...entrySchema.properties, k: { type: 'string' } } },
              },
              partitions: { type: 'array', items: { type: 'integer' } },
              next: {
                type: ['string', 'null'],
                description: 'the cursor of the next page; null on the last',
              },
            },
          },
          ...errors(400, 401, 404, 429, 502, 503, 504),
        },
      },
    },
    async (request) => {
      const store = access.describeAs(
        request.params.store,
        ['key-value', 'timestamped-key-value'],
        'GET /stores/:store/entries',
      );
      if (
        request.query.prefix !== undefined &&
        (request.query.from !== undefined || request.query.to !== undefined)
      )
        throw new HttpError(400, 'bad-query', 'give either prefix or from/to, not both');
      if (!store.global && store.partitionCount === 0)
        throw access.unavailable(`store ${store.name} cannot answer: the instance has not started`);
      const limit = request.query.limit ?? Math.min(DEFAULT_PAGE_SIZE, maxPageSize);
      const local = localPage(access, store, request.query, limit);
      if (request.query.scope === 'local' || store.global) return local;
      const remote = await remotePages(access, request, store, forwarder, selfAddress());
      return mergePages(access, store, [local, ...remote], limit);
    },
  );
}

/** This instance's page: the first `limit` entries after the cursor across its active partitions. */
function localPage(access: StoreAccess, store: StoreDescription, query: EntriesQuery, limit: number): Page {
  const parse = (text: string | undefined) => (text === undefined ? null : access.parseKey(store, text));
  const from = parse(query.from);
  const to = parse(query.to);
  const prefix = parse(query.prefix);
  const after = query.cursor === undefined ? null : Buffer.from(query.cursor, 'base64url');
  const timestamped = store.kind === 'timestamped-key-value';
  const partitions = store.global ? [undefined] : store.activePartitions;
  const entries: Entry[] = [];
  let more = false;
  for (const partition of partitions) {
    const view = timestamped
      ? access.view(store, QueryableStoreTypes.timestampedKeyValueStore<unknown, unknown>(), partition, false)
      : access.view(store, QueryableStoreTypes.keyValueStore<unknown, unknown>(), partition, false);
    const scan: Iterable<KeyValue<unknown, unknown>> =
      prefix !== null ? view.prefixScan(prefix, store.keySerde!) : view.range(from, to);
    let taken = 0;
    for (const { key, value } of scan) {
      const bytes = access.keyBytes(store, key);
      if (after && Buffer.compare(bytes, after) <= 0) continue;
      if (taken === limit) {
        more = true;
        break;
      }
      taken++;
      const fields = timestamped
        ? {
            value: toJsonValue((value as { value: unknown }).value),
            timestamp: (value as { timestampMs: number }).timestampMs,
          }
        : { value: toJsonValue(value) };
      entries.push({ key: toJsonValue(key), ...fields, k: bytes.toString('base64url') });
    }
  }
  return trim(entries, limit, more, store.global ? [0] : [...store.activePartitions]);
}

/** The pages of the other instances hosting the store, asked in parallel. */
async function remotePages(
  access: StoreAccess,
  request: FastifyRequest<{ Querystring: EntriesQuery }>,
  store: StoreDescription,
  forwarder: Forwarder,
  self: string | undefined,
): Promise<Page[]> {
  const peers = access.streams
    .metadataForAllStreamsClients()
    .filter((m) => m.hostInfo && m.hostInfo !== self && m.stateStoreNames.includes(store.name));
  const url = new URL(request.url, 'http://local');
  url.searchParams.set('scope', 'local');
  return Promise.all(
    peers.map(async (peer) => {
      const answer = await forwarder.get(
        peer.hostInfo!,
        url.pathname + url.search,
        request.headers.authorization,
      );
      if (answer.statusCode !== 200) {
        const reason = answer.body.toString('utf8').slice(0, 500);
        throw new HttpError(
          answer.statusCode >= 500 ? answer.statusCode : 502,
          'peer-failed',
          `instance ${peer.instanceId} (${peer.hostInfo}) answered ${answer.statusCode}: ${reason}`,
          answer.headers['retry-after'] ? { 'retry-after': answer.headers['retry-after'] } : {},
        );
      }
      return JSON.parse(answer.body.toString('utf8')) as Page;
    }),
  );
}

/** One page of the whole store from the instances' pages, or 503 if some partition answered nowhere. */
function mergePages(
  access: StoreAccess,
  store: StoreDescription,
  pages: readonly Page[],
  limit: number,
): Page {
  const covered = new Set(pages.flatMap((p) => p.partitions));
  const missing = Array.from({ length: store.partitionCount }, (_, p) => p).filter((p) => !covered.has(p));
  if (missing.length > 0)
    throw access.unavailable(
      `partitions ${missing.join(', ')} of store ${store.name} are hosted by no instance right now (the application is rebalancing); retry`,
    );
  const byKey = new Map<string, Entry>();
  for (const page of pages) for (const e of page.entries) byKey.set(e.k, e);
  const entries = [...byKey.values()].sort((a, b) =>
    Buffer.compare(Buffer.from(a.k, 'base64url'), Buffer.from(b.k, 'base64url')),
  );
  const page = trim(
    entries,
    limit,
    pages.some((p) => p.next !== null),
    [...covered].sort((a, b) => a - b),
  );
  return { ...page, entries: page.entries.map(({ k: _k, ...rest }) => rest as Entry) };
}

/** The first `limit` entries in key order, and the cursor after them when there is more. */
function trim(entries: Entry[], limit: number, more: boolean, partitions: number[]): Page {
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.k, 'base64url'), Buffer.from(b.k, 'base64url')));
  const page = entries.slice(0, limit);
  const hasMore = more || entries.length > limit;
  return { entries: page, partitions, next: hasMore && page.length > 0 ? page[page.length - 1]!.k : null };
}
