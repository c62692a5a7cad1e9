import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.js';
import { type KeyParser, keyForm } from '../key-text.js';
import { errors } from '../schemas.js';
import type { StoreAccess } from '../store-access.js';

/** The instance itself: liveness, readiness, metrics, topology, and the stores it can answer for. */
export function opsRoutes(
  app: FastifyInstance,
  access: StoreAccess,
  keyParsers: Readonly<Record<string, KeyParser>>,
): void {
  const { streams } = access;

  app.get(
    '/health',
    {
      schema: {
        summary: 'The process is up (no authentication)',
        tags: ['instance'],
        response: {
          200: { type: 'object', properties: { status: { type: 'string' }, state: { type: 'string' } } },
        },
      },
    },
    () => ({ status: 'up', state: streams.state() }),
  );

  app.get(
    '/ready',
    {
      schema: {
        summary: 'The instance is RUNNING and its active stores are restored (503 otherwise)',
        tags: ['instance'],
        response: {
          200: { type: 'object', properties: { status: { type: 'string' }, state: { type: 'string' } } },
          ...errors(401, 503),
        },
      },
    },
    () => {
      const state = streams.state();
      const restoring = streams.storeDescriptions().filter((d) => d.restoringPartitions.length > 0);
      if (state === 'RUNNING' && restoring.length === 0) return { status: 'ready', state };
      const why =
        state !== 'RUNNING'
          ? `the instance is ${state}`
          : `stores still restore: ${restoring.map((d) => `${d.name} (partitions ${d.restoringPartitions.join(', ')})`).join('; ')}`;
      throw new HttpError(503, 'not-ready', `not ready: ${why}`, { 'retry-after': '1' });
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        summary: "The instance's metrics, Prometheus text format",
        tags: ['instance'],
        produces: ['text/plain'],
      },
    },
    async (_request, reply) => {
      const registry = streams.metrics();
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );

  app.get<{ Querystring: { format: 'text' | 'json' | 'mermaid' } }>(
    '/topology',
    {
      schema: {
        summary: 'The topology: Kafka Streams text, JSON or Mermaid',
        tags: ['instance'],
        querystring: {
          type: 'object',
          properties: { format: { type: 'string', enum: ['text', 'json', 'mermaid'], default: 'text' } },
        },
      },
    },
    (request, reply) => {
      const description = streams.topologyDescription();
      switch (request.query.format) {
        case 'json':
          return reply.type('application/json').send(
            JSON.stringify({
              subtopologies: description.subtopologies,
              globalStores: description.globalStores,
            }),
          );
        case 'mermaid':
          return reply.type('text/plain').send(description.toMermaid());
        default:
          return reply.type('text/plain').send(description.toString());
      }
    },
  );

  app.get(
    '/stores',
    {
      schema: {
        summary: 'Every store: its kind, key and value forms, and the partitions this instance hosts',
        tags: ['stores'],
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                kind: { type: 'string' },
                global: { type: 'boolean' },
                keyForm: {
                  type: 'string',
                  description: 'how keys read as text: a Serdes name, custom or unknown',
                },
                valueForm: { type: 'string' },
                partitionCount: { type: 'integer' },
                activePartitions: { type: 'array', items: { type: 'integer' } },
                restoringPartitions: { type: 'array', items: { type: 'integer' } },
                standbyPartitions: { type: 'array', items: { type: 'integer' } },
                changes: { type: 'boolean', description: 'live changes can be subscribed to' },
              },
            },
          },
          ...errors(401),
        },
      },
    },
    () =>
      streams.storeDescriptions().map((d) => ({
        name: d.name,
        kind: d.kind ?? 'custom',
        global: d.global,
        keyForm: keyForm(d.keySerde, keyParsers[d.name]),
        valueForm: d.valueSerde?.kind ?? 'unknown',
        partitionCount: d.partitionCount,
        activePartitions: d.activePartitions,
        restoringPartitions: d.restoringPartitions,
        standbyPartitions: d.standbyPartitions,
        changes: d.changelogTopic !== null && (d.kind === 'key-value' || d.kind === 'timestamped-key-value'),
      })),
  );
}
