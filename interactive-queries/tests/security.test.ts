import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QueryClient, QueryError } from '../client/index.js';
import { embeddedLog, someClicks, waitFor } from './embedded-shop.js';
import { QueryCluster } from './query-cluster.js';
import { COUNTS, expectedStores } from './shop-topology.js';

// Bearer tokens (missing, wrong, and carried on forwarded requests), TLS between clients and
// instances and between instances, and the rate limit.

let cluster: QueryCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

/** Two instances serving the shop topology with `serverOptions`. */
async function twoInstances(serverOptions: ConstructorParameters<typeof QueryCluster>[1]) {
  const clicks = someClicks();
  const { bootstrapServers } = embeddedLog(clicks);
  cluster = new QueryCluster({ applicationId: 'iq-secure', bootstrapServers }, serverOptions);
  const a = await cluster.add('a');
  const b = await cluster.add('b');
  const model = expectedStores(clicks);
  return { a, b, model };
}

describe('query server security', () => {
  it('refuses requests without a token or with a wrong one (401), and forwards the token with a request', async () => {
    const { a, b, model } = await twoInstances({ auth: { tokens: ['s3cret', 'other'] } });
    const url = `${a.server.url}/stores/${COUNTS}/keys/user-001`;
    const missing = await fetch(url);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await missing.json()) as { message: string }).message).toMatch(/Authorization: Bearer/);
    const wrong = await fetch(url, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { message: string }).message).toMatch(/not accepted/);
    expect((await fetch(`${a.server.url}/health`)).status).toBe(200);

    const client = new QueryClient({ baseUrl: a.server.url, token: 's3cret' });
    await waitFor('every count', async () => {
      let n = 0;
      for await (const _ of client.entries(COUNTS)) n++;
      return n === model.counts.size ? true : undefined;
    });
    // Every key from a, the ones on b forwarded with the caller's token (b would answer 401 without it).
    let forwarded = 0;
    for (const [key, expected] of model.counts) {
      const response = await fetch(`${a.server.url}/stores/${COUNTS}/keys/${key}`, {
        headers: { authorization: 'Bearer s3cret' },
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { value: number }).value).toBe(expected.value);
      if (response.headers.get('x-rivulet-answered-by') === b.server.address) forwarded++;
    }
    expect(forwarded).toBeGreaterThan(0);
    await expect(
      new QueryClient({ baseUrl: b.server.url, token: 'nope' }).get(COUNTS, 'user-001'),
    ).rejects.toMatchObject({ status: 401 });
  });

  it('answers 429 past the rate limit', async () => {
    const { a } = await twoInstances({ rateLimit: { max: 5, timeWindowMs: 60_000 } });
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await fetch(`${a.server.url}/stores`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const limited = await fetch(`${a.server.url}/stores`);
    expect(((await limited.json()) as { message: string }).message).toMatch(/rate limit/i);
    await expect(new QueryClient({ baseUrl: a.server.url }).stores()).rejects.toBeInstanceOf(QueryError);
  });

  describe('over TLS', () => {
    let dir: string;
    let tls: { key: Buffer; cert: Buffer; ca: Buffer };
    beforeAll(() => {
      // A self-signed certificate for 127.0.0.1, made by the real openssl.
      dir = mkdtempSync(join(tmpdir(), 'rivulet-tls-'));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const cert = readFileSync(join(dir, 'cert.pem'));
      tls = { key: readFileSync(join(dir, 'key.pem')), cert, ca: cert };
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('serves HTTPS and forwards to the other instance over HTTPS', async () => {
      const { a, b, model } = await twoInstances({ tls });
      expect(a.server.url).toMatch(/^https:/);
      const getJson = (path: string) =>
        new Promise<{ status: number; body: { value?: number }; answeredBy: string | undefined }>(
          (resolve, reject) => {
            get(`${a.server.url}${path}`, { ca: tls.ca }, (res) => {
              let text = '';
              res.on('data', (c: Buffer) => (text += c.toString()));
              res.on('end', () =>
                resolve({
                  status: res.statusCode!,
                  body: JSON.parse(text) as { value?: number },
                  answeredBy: res.headers['x-rivulet-answered-by'] as string | undefined,
                }),
              );
            }).on('error', reject);
          },
        );
      const answers = await waitFor('every key over HTTPS', async () => {
        const all = [];
        for (const [key, expected] of model.counts) {
          const answer = await getJson(`/stores/${COUNTS}/keys/${key}`);
          if (answer.status !== 200 || answer.body.value !== expected.value) return undefined;
          all.push(answer);
        }
        return all;
      });
      expect(answers.some((x) => x.answeredBy === b.server.address)).toBe(true);
    });
  });
});
