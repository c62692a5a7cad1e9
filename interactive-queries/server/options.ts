import type { FastifyInstance } from 'fastify';
import type { KeyParser } from './key-text.js';

/** Bearer-token authentication: a list of accepted tokens, or a function that checks one. */
export type QueryAuth =
  | { readonly tokens: readonly string[] }
  | { readonly verify: (token: string) => boolean | Promise<boolean> };

export interface QueryServerOptions {
  /** Where to listen; 127.0.0.1 unless told otherwise (the server answers anyone who reaches it). */
  readonly host?: string;
  /** 0 picks a free port. Other instances reach this one at its `applicationServer` (host:port), so they should agree. */
  readonly port?: number;
  /**
   * This instance's address as the other instances call it (its `applicationServer`); by default
   * `host:port` as listened on. It keeps a key that metadata says is here from being forwarded to itself.
   */
  readonly advertisedAddress?: string;
  /** Readers of keys for stores whose key serde is your own (the built-in serdes' keys are read already). */
  readonly keyParsers?: Readonly<Record<string, KeyParser>>;
  /** Require `Authorization: Bearer <token>` on every route but /health. */
  readonly auth?: QueryAuth;
  /** Serve HTTPS: the key and certificate (PEM), and the CA that other instances' certificates are signed by. */
  readonly tls?: {
    readonly key: string | Buffer;
    readonly cert: string | Buffer;
    readonly ca?: string | Buffer;
  };
  /** Requests per client per window; unlimited when left out. */
  readonly rateLimit?: { readonly max: number; readonly timeWindowMs: number };
  /** The most entries a page of a range or scan holds (default 1000); `?limit=` asks for fewer. */
  readonly maxPageSize?: number;
  /** How long a forwarded request may take before the answer is 504 (default 5000 ms). */
  readonly forwardTimeoutMs?: number;
  /** The Retry-After of a 503 while a store moves or restores, in seconds (default 1). */
  readonly retryAfterSeconds?: number;
  /**
   * Adds routes of your own (an application's API beside the store routes) before the server
   * listens; they share its auth, limits, error answers and OpenAPI document.
   */
  readonly routes?: (app: FastifyInstance) => void | Promise<void>;
  /** Live subscriptions: heartbeat interval (default 15 s) and the bytes one client may leave unread before it is dropped (default 1 MiB). */
  readonly changes?: {
    readonly heartbeatMs?: number;
    readonly maxBufferedBytes?: number;
    readonly maxSubscriptions?: number;
  };
}

/** The options with their defaults filled in. */
export interface ResolvedQueryServerOptions {
  readonly host: string;
  readonly port: number;
  readonly advertisedAddress: string | undefined;
  readonly keyParsers: Readonly<Record<string, KeyParser>>;
  readonly auth: QueryAuth | undefined;
  readonly tls: QueryServerOptions['tls'];
  readonly rateLimit: QueryServerOptions['rateLimit'];
  readonly maxPageSize: number;
  readonly forwardTimeoutMs: number;
  readonly retryAfterSeconds: number;
  readonly heartbeatMs: number;
  readonly maxBufferedBytes: number;
  readonly maxSubscriptions: number;
  readonly routes: QueryServerOptions['routes'];
}

export function resolveOptions(options: QueryServerOptions): ResolvedQueryServerOptions {
  const positive = (name: string, value: number | undefined, fallback: number): number => {
    const v = value ?? fallback;
    if (!(Number.isFinite(v) && v > 0))
      throw new Error(`startQueryServer: ${name} must be a number > 0, got ${value}`);
    return v;
  };
  const port = options.port ?? 0;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535))
    throw new Error(`startQueryServer: port must be 0..65535, got ${options.port}`);
  if (options.auth && 'tokens' in options.auth && options.auth.tokens.length === 0)
    throw new Error(
      'startQueryServer: auth.tokens is empty, so no request could pass; give at least one token',
    );
  return {
    host: options.host ?? '127.0.0.1',
    port,
    advertisedAddress: options.advertisedAddress,
    keyParsers: options.keyParsers ?? {},
    auth: options.auth,
    tls: options.tls,
    rateLimit: options.rateLimit,
    maxPageSize: positive('maxPageSize', options.maxPageSize, 1000),
    forwardTimeoutMs: positive('forwardTimeoutMs', options.forwardTimeoutMs, 5000),
    retryAfterSeconds: positive('retryAfterSeconds', options.retryAfterSeconds, 1),
    heartbeatMs: positive('changes.heartbeatMs', options.changes?.heartbeatMs, 15_000),
    maxBufferedBytes: positive('changes.maxBufferedBytes', options.changes?.maxBufferedBytes, 1 << 20),
    maxSubscriptions: positive('changes.maxSubscriptions', options.changes?.maxSubscriptions, 1000),
    routes: options.routes,
  };
}
