import type { AddressInfo } from 'node:net';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import {
  InvalidStoreTypeError,
  type KafkaStreams,
  SerializationError,
  UnknownStateStoreError,
} from 'rivulet';
import { requireBearerToken } from './auth.js';
import { answerUnparsableRequest } from './client-error.js';
import { Forwarder } from './forwarder.js';
import { HttpError } from './http-error.js';
import { type QueryServerOptions, resolveOptions } from './options.js';
import { changesRoutes } from './routes/changes-routes.js';
import { entriesRoute } from './routes/entries-route.js';
import { keyRoutes } from './routes/key-routes.js';
import { opsRoutes } from './routes/ops-routes.js';
import { StoreAccess } from './store-access.js';

/** Longest path segment (a key) the router accepts; fastify's default of 100 would turn long keys into 404s. */
const MAX_PARAM_LENGTH = 4096;
/** How long close() lets requests under way finish. */
const CLOSE_GRACE_MS = 500;
/** The routes take no bodies; anything bigger than this is refused with 413. */
const BODY_LIMIT_BYTES = 16 * 1024;

/** A running query server. */
export interface QueryServer {
  /** Where it listens, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** `host:port`, what the instance's `applicationServer` should be. */
  readonly address: string;
  /** The fastify instance (for routes of your own, or `inject` in tests). */
  readonly app: FastifyInstance;
  /** Ends live subscriptions and stops listening (the streams instance keeps running). */
  close(): Promise<void>;
}

/**
 * Serves a streams instance's stores over HTTP (ARCHITECTURE §9): key, window, session, range and
 * prefix reads, forwarded to the instance that hosts a key; live changes as Server-Sent Events;
 * health, readiness, metrics and topology; an OpenAPI document at /openapi.json and a UI at /docs.
 */
export async function startQueryServer(
  streams: KafkaStreams,
  options: QueryServerOptions = {},
): Promise<QueryServer> {
  const settings = resolveOptions(options);
  const app = Fastify({
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    bodyLimit: BODY_LIMIT_BYTES,
    ...(settings.tls ? { https: { key: settings.tls.key, cert: settings.tls.cert } } : {}),
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false } },
    clientErrorHandler: answerUnparsableRequest,
  });
  let address: string | undefined = settings.advertisedAddress;
  const forwarder = new Forwarder(settings.tls, settings.forwardTimeoutMs);
  const access = new StoreAccess(streams, settings.keyParsers, settings.retryAfterSeconds, () => address);

  app.setErrorHandler((error: FastifyError | Error, _request, reply) => {
    const { statusCode, code, message, headers } = httpErrorOf(error);
    if (statusCode >= 500 && statusCode !== 503 && statusCode !== 502 && statusCode !== 504)
      app.log.error(error);
    return reply.code(statusCode).headers(headers).send({ statusCode, error: code, message });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      statusCode: 404,
      error: 'not-found',
      message: `no route ${request.method} ${request.url.split('?')[0]}; see /openapi.json`,
    }),
  );

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'rivulet interactive queries',
        version: '1',
        description: 'The stores of a rivulet application, from any of its instances.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      ...(settings.auth ? { security: [{ bearer: [] }] } : {}),
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  if (settings.rateLimit)
    await app.register(rateLimit, {
      max: settings.rateLimit.max,
      timeWindow: settings.rateLimit.timeWindowMs,
    });
  if (settings.auth) requireBearerToken(app, settings.auth);

  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  opsRoutes(app, access, settings.keyParsers);
  keyRoutes(app, access, forwarder);
  entriesRoute(app, access, forwarder, settings.maxPageSize, () => address);
  const endSubscriptions = changesRoutes(app, access, settings);
  await settings.routes?.(app);

  await app.listen({ host: settings.host, port: settings.port });
  const bound = app.server.address() as AddressInfo;
  const listening = `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  address ??= listening;
  return {
    url: `${settings.tls ? 'https' : 'http'}://${listening}`,
    address: listening,
    app,
    async close() {
      endSubscriptions();
      forwarder.close();
      const closing = app.close();
      // Requests under way get a moment to finish; then every connection still open is cut.
      const cut = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
      await closing;
      clearTimeout(cut);
    },
  };
}

/** The status, code and message of an error: ours, the engine's, or fastify's (validation and limits). */
function httpErrorOf(error: FastifyError | Error): {
  statusCode: number;
  code: string;
  message: string;
  headers: Record<string, string>;
} {
  if (error instanceof HttpError)
    return {
      statusCode: error.statusCode,
      code: error.code,
      message: error.message,
      headers: { ...error.headers },
    };
  if (error instanceof UnknownStateStoreError)
    return { statusCode: 404, code: 'unknown-store', message: error.message, headers: {} };
  if (error instanceof InvalidStoreTypeError)
    return { statusCode: 400, code: 'wrong-store-kind', message: error.message, headers: {} };
  if (error instanceof SerializationError)
    return { statusCode: 400, code: 'bad-key', message: error.message, headers: {} };
  const fastifyError = error as FastifyError;
  if (fastifyError.validation)
    return { statusCode: 400, code: 'bad-request', message: error.message, headers: {} };
  if (fastifyError.statusCode && fastifyError.statusCode < 500)
    return {
      statusCode: fastifyError.statusCode,
      code: fastifyError.code ?? 'bad-request',
      message: error.message,
      headers: {},
    };
  return { statusCode: 500, code: 'internal', message: `internal error: ${error.message}`, headers: {} };
}
