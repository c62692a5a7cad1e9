import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-error.js';
import type { QueryAuth } from './options.js';

/** Routes anyone may call: liveness, and the API's own description. */
const OPEN_ROUTES = ['/health', '/openapi.json', '/docs'];

/** Requires `Authorization: Bearer <token>` on every other route: 401 without one or with a wrong one. */
export function requireBearerToken(app: FastifyInstance, auth: QueryAuth): void {
  const verify =
    'verify' in auth
      ? auth.verify
      : (token: string) =>
          auth.tokens.some(
            (t) => t.length === token.length && timingSafeEqual(Buffer.from(t), Buffer.from(token)),
          );
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (OPEN_ROUTES.some((open) => path === open || path.startsWith(`${open}/`))) return;
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    if (token !== undefined && (await verify(token))) return;
    reply.header('www-authenticate', 'Bearer');
    throw new HttpError(
      401,
      'unauthorized',
      token === undefined
        ? 'this server needs Authorization: Bearer <token>'
        : 'the bearer token was not accepted',
    );
  });
}
