import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedLog, someClicks } from './embedded-shop.js';
import { QueryCluster, type QueryInstance } from './query-cluster.js';
import { COUNTS, shopTopology } from './shop-topology.js';

// The instance routes: health, readiness, Prometheus metrics, the topology in three formats, the
// store list, the OpenAPI document and its UI; and the answer to a request that cannot be parsed.

let cluster: QueryCluster;
let instance: QueryInstance;
beforeAll(async () => {
  cluster = new QueryCluster({
    applicationId: 'iq-ops',
    bootstrapServers: embeddedLog(someClicks()).bootstrapServers,
  });
  instance = await cluster.add('a');
});
afterAll(() => cluster.close());

const get = (path: string) => fetch(instance.server.url + path);

describe('instance routes', () => {
  it('health and readiness', async () => {
    expect(await (await get('/health')).json()).toEqual({ status: 'up', state: 'RUNNING' });
    expect(await (await get('/ready')).json()).toEqual({ status: 'ready', state: 'RUNNING' });
  });

  it("metrics in Prometheus' text format, from the instance's registry", async () => {
    const response = await get('/metrics');
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^# HELP rivulet_/m);
    expect(text).toMatch(/^rivulet_query_subscriptions 0$/m);
  });

  it('the topology as Kafka Streams text, JSON and Mermaid', async () => {
    const description = shopTopology().describe();
    expect(await (await get('/topology')).text()).toBe(description.toString());
    expect(await (await get('/topology?format=mermaid')).text()).toBe(description.toMermaid());
    const json = (await (await get('/topology?format=json')).json()) as {
      subtopologies: { stores: string[] }[];
    };
    expect(json.subtopologies.flatMap((s) => s.stores)).toContain(COUNTS);
    expect((await get('/topology?format=dot')).status).toBe(400);
  });

  it('the stores with their kinds, key forms and partitions', async () => {
    const stores = (await (await get('/stores')).json()) as {
      name: string;
      kind: string;
      keyForm: string;
      activePartitions: number[];
      changes: boolean;
    }[];
    expect(stores.map((s) => [s.name, s.kind, s.keyForm, s.changes])).toEqual([
      ['counts', 'timestamped-key-value', 'String', true],
      ['notes-store', 'timestamped-key-value', 'String', true],
      ['per-second', 'timestamped-window', 'String', false],
      ['visits', 'session', 'String', false],
    ]);
    expect(stores[0]!.activePartitions).toEqual([0, 1, 2, 3]);
  });

  it('an OpenAPI 3 document generated from the route schemas, and its UI', async () => {
    const document = (await (await get('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths).length).toBeGreaterThanOrEqual(12);
    const ui = await get('/docs/');
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/swagger-ui/i);
  });

  it('a request that cannot be parsed: 400 in the API error shape, naming the reason', async () => {
    const [host, port] = instance.server.address.split(':');
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), host!);
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      socket.end(Buffer.from('GET /health?\xa9=1 HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1'));
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { error: string; message: string };
    expect(body.error).toBe('bad-request');
    expect(body.message).toMatch(/could not be parsed \(.+\); send the path and query percent-encoded/);
  });
});
