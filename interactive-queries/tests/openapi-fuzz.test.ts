import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryClient } from '../client/index.js';
import { embeddedLog, someClicks, waitFor } from './embedded-shop.js';
import { QueryCluster } from './query-cluster.js';
import { COUNTS, expectedStores } from './shop-topology.js';

// The HTTP API fuzzed from its own OpenAPI document: random paths, keys, query strings, methods and
// bodies against three running instances. No answer may be a 5xx, and every 4xx has a JSON body
// naming the problem.

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      { parameters?: { name: string; in: string; schema?: { type?: string | string[]; enum?: string[] } }[] }
    >
  >;
}

let cluster: QueryCluster;
let document: OpenApi;
let port: number;

beforeAll(async () => {
  const clicks = someClicks();
  const { bootstrapServers } = embeddedLog(clicks);
  cluster = new QueryCluster({ applicationId: 'iq-fuzz', bootstrapServers });
  for (const id of ['a', 'b', 'c']) await cluster.add(id);
  const first = cluster.instances[0]!.server;
  const client = new QueryClient({ baseUrl: first.url });
  await waitFor('every count', async () => {
    let n = 0;
    for await (const _ of client.entries(COUNTS)) n++;
    return n === expectedStores(clicks).counts.size ? true : undefined;
  });
  port = Number(first.address.split(':')[1]);
  document = (await (await fetch(`${first.url}/openapi.json`)).json()) as OpenApi;
}, 60_000);
afterAll(() => cluster.close());

/** Text a path segment or query value may be: real names and keys, numbers, unicode, and broken encodings. */
const text = fc.oneof(
  fc.constantFrom(
    'counts',
    'per-second',
    'visits',
    'notes-store',
    'user-001',
    'user-017',
    '',
    ' ',
    '..',
    '%',
    '%zz',
    '%00',
    '"x"',
    '{}',
    '[1]',
    '-1',
    '0',
    '1e999',
    'NaN',
    'null',
    'true',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer().map(String),
  fc.string({ unit: 'binary', maxLength: 8 }),
);

/** Percent-encoded three times in four; otherwise the text raw (as far as Node's client lets it through). */
const encoded = fc.tuple(text, fc.nat(3)).map(([t, n]) => (n === 0 ? t : encodeURIComponent(t)));

// Everything of a request but its route, which the test draws from the document.
const requests = fc.record({
  store: encoded,
  key: encoded,
  known: fc.array(fc.tuple(fc.nat(), encoded), { maxLength: 4 }),
  extra: fc.array(fc.tuple(encoded, encoded), { maxLength: 2 }),
  method: fc.constantFrom('GET', 'GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'),
  body: fc.option(fc.oneof(fc.json(), fc.string({ maxLength: 64 })), { nil: undefined }),
  headers: fc.record({
    'last-event-id': fc.option(
      fc.oneof(
        fc.constant('0:0'),
        fc.string({ maxLength: 10 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
      ),
      { nil: undefined },
    ),
  }),
});

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** Sends one request; an event stream is closed as soon as its headers arrive. */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<Answer | null> {
  return new Promise((resolve, reject) => {
    let req: ReturnType<typeof request>;
    try {
      req = request(
        {
          host: '127.0.0.1',
          port,
          agent: false,
          method,
          path,
          // Content-Length frames the body (Node sends a GET's body unframed otherwise).
          headers:
            body === undefined
              ? headers
              : {
                  ...headers,
                  'content-type': 'application/json',
                  'content-length': String(Buffer.byteLength(body)),
                },
        },
        (res) => {
          const contentType = String(res.headers['content-type'] ?? '');
          if (contentType.startsWith('text/event-stream')) {
            res.destroy();
            resolve({ status: res.statusCode!, contentType, body: '' });
            return;
          }
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, contentType, body: text }));
          res.on('error', reject);
        },
      );
    } catch {
      resolve(null); // a path Node's own client refuses to send (it never reaches the server)
      return;
    }
    req.on('error', reject);
    req.setTimeout(10_000, () => reject(new Error(`no answer within 10 s: ${method} ${path}`)));
    req.end(body);
  });
}

describe('the HTTP API, fuzzed from its OpenAPI document', () => {
  it('documents every route with its parameters', () => {
    for (const route of [
      '/stores',
      '/stores/{store}/keys/{key}',
      '/stores/{store}/keys/{key}/windows',
      '/stores/{store}/entries',
      '/stores/{store}/keys/{key}/changes',
      '/ready',
      '/metrics',
      '/topology',
    ])
      expect(Object.keys(document.paths), route).toContain(route);
    const entries = document.paths['/stores/{store}/entries']!.get!.parameters!.map((p) => p.name);
    expect(entries).toEqual(expect.arrayContaining(['store', 'from', 'to', 'prefix', 'limit', 'cursor']));
  });

  it('never answers 5xx; every 4xx is JSON naming the problem', async () => {
    let sent = 0;
    // Every route of the document, /openapi.json and a route that does not exist.
    const paths = [...Object.keys(document.paths), '/openapi.json', '/nowhere/{key}'];
    expect(paths.length).toBeGreaterThan(12);
    const documented = fc.tuple(fc.constantFrom(...paths), requests).map(([path, r]) => ({ ...r, path }));
    await fc.assert(
      fc.asyncProperty(documented, async (r) => {
        const template = r.path;
        const declared = document.paths[template]?.get?.parameters?.filter((p) => p.in === 'query') ?? [];
        const query = [
          ...r.known
            .filter(() => declared.length > 0)
            .map(([i, v]) => `${declared[i % declared.length]!.name}=${v}`),
          ...r.extra.map(([k, v]) => `${k}=${v}`),
        ].join('&');
        const path =
          template.replace('{store}', r.store).replace('{key}', r.key) + (query ? `?${query}` : '');
        const headers = Object.fromEntries(
          Object.entries(r.headers).filter(([, v]) => v !== undefined),
        ) as Record<string, string>;
        // A raw byte outside ASCII makes the request unparsable: the server answers 400 with a body, not
        // knowing it was a HEAD, and Node's client would read that body as a broken next response.
        const method = r.method === 'HEAD' && /[^\x21-\x7e]/.test(path) ? 'GET' : r.method;
        const answer = await send(
          method,
          path,
          headers,
          r.body === undefined ? undefined : JSON.stringify(r.body),
        );
        if (!answer) return;
        sent++;
        expect(answer.status, `${method} ${path}: ${answer.body}`).toBeLessThan(500);
        if (answer.status >= 400 && method !== 'HEAD') {
          expect(answer.contentType, `${method} ${path}`).toMatch(/application\/json/);
          const body = JSON.parse(answer.body) as { message?: unknown; error?: unknown };
          expect(
            typeof body.message === 'string' && body.message.length > 0,
            `${method} ${path}: ${answer.body}`,
          ).toBe(true);
          expect(typeof body.error, `${method} ${path}`).toBe('string');
        }
      }),
      { numRuns: 1500, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
    expect(sent).toBeGreaterThan(1000);
  }, 120_000);
});
