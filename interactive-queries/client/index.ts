// A typed client for the rivulet query server: `import { QueryClient } from 'rivulet/interactive-queries/client'`.
// It needs only `fetch` (Node 18+ and browsers) and rxjs.
import { Observable } from 'rxjs';

export interface QueryClientOptions {
  /** The server's URL, e.g. `http://127.0.0.1:8080`; any instance of the application will do. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** A fetch of your own (defaults to the global one). */
  readonly fetch?: typeof fetch;
}

/** A non-2xx answer of the server, with its JSON error body. */
export class QueryError extends Error {
  override name = 'QueryError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds the server asked to wait (503 while a store moves). */
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(message);
  }
}

/** Keys go into URLs as text: strings as they are, other values as JSON. */
export type KeyText = string | number | boolean | object;

export interface KeyValueAnswer<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestamp?: number;
  readonly validTo?: number;
}

export interface WindowAnswer<V> {
  readonly start: number;
  readonly end: number;
  readonly value: V;
  readonly timestamp?: number;
}

export interface SessionAnswer<V> {
  readonly start: number;
  readonly end: number;
  readonly value: V;
}

export interface KeyMetadataAnswer<K> {
  readonly key: K;
  readonly partition: number | null;
  readonly activeHost: { readonly instanceId: string; readonly hostInfo: string | null } | null;
  readonly standbyHosts: readonly { readonly instanceId: string; readonly hostInfo: string | null }[];
}

export interface StoreAnswer {
  readonly name: string;
  readonly kind: string;
  readonly global: boolean;
  readonly keyForm: string;
  readonly valueForm: string;
  readonly partitionCount: number;
  readonly activePartitions: readonly number[];
  readonly restoringPartitions: readonly number[];
  readonly standbyPartitions: readonly number[];
  readonly changes: boolean;
}

/** An event of a live subscription. */
export type ChangeEvent<K, V> =
  | {
      readonly type: 'initial';
      readonly id: string;
      readonly entries: readonly KeyValueAnswer<K, V | null>[];
    }
  | {
      readonly type: 'change';
      readonly id: string;
      readonly key: K;
      readonly value: V | null;
      readonly oldValue: V | null;
      readonly timestamp: number;
      readonly partition: number;
      readonly offset: number;
    }
  | { readonly type: 'end'; readonly reason: string; readonly message: string };

export interface EntriesOptions {
  readonly from?: KeyText;
  readonly to?: KeyText;
  readonly prefix?: KeyText;
  /** Entries per request (the server caps it). */
  readonly pageSize?: number;
}

/** Calls the query server's routes, so applications never build its URLs by hand. */
export class QueryClient {
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: QueryClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  stores(): Promise<StoreAnswer[]> {
    return this.json('/stores');
  }

  /** The value of a key, or undefined when the store has none. */
  async get<K, V>(
    store: string,
    key: KeyText,
    options: { stale?: boolean; asOf?: number } = {},
  ): Promise<KeyValueAnswer<K, V> | undefined> {
    const query = new URLSearchParams();
    if (options.stale) query.set('stale', 'true');
    if (options.asOf !== undefined) query.set('asOf', String(options.asOf));
    return this.json<KeyValueAnswer<K, V>>(`${keyPath(store, key)}${suffix(query)}`, { notFound: true });
  }

  async windows<V>(
    store: string,
    key: KeyText,
    range: { from?: number; to?: number; stale?: boolean } = {},
  ): Promise<WindowAnswer<V>[]> {
    const query = new URLSearchParams();
    if (range.from !== undefined) query.set('from', String(range.from));
    if (range.to !== undefined) query.set('to', String(range.to));
    if (range.stale) query.set('stale', 'true');
    return (await this.json<{ windows: WindowAnswer<V>[] }>(`${keyPath(store, key)}/windows${suffix(query)}`))
      .windows;
  }

  async sessions<V>(
    store: string,
    key: KeyText,
    options: { stale?: boolean } = {},
  ): Promise<SessionAnswer<V>[]> {
    const query = new URLSearchParams(options.stale ? { stale: 'true' } : {});
    return (
      await this.json<{ sessions: SessionAnswer<V>[] }>(`${keyPath(store, key)}/sessions${suffix(query)}`)
    ).sessions;
  }

  metadata<K>(store: string, key: KeyText): Promise<KeyMetadataAnswer<K>> {
    return this.json(`${keyPath(store, key)}/metadata`);
  }

  /** Every entry (of a range or prefix), in key order, fetched a page at a time as you iterate. */
  async *entries<K, V>(
    store: string,
    options: EntriesOptions = {},
  ): AsyncIterableIterator<KeyValueAnswer<K, V>> {
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams();
      if (options.from !== undefined) query.set('from', keyText(options.from));
      if (options.to !== undefined) query.set('to', keyText(options.to));
      if (options.prefix !== undefined) query.set('prefix', keyText(options.prefix));
      if (options.pageSize !== undefined) query.set('limit', String(options.pageSize));
      if (cursor) query.set('cursor', cursor);
      const page: { entries: KeyValueAnswer<K, V>[]; next: string | null } = await this.json(
        `/stores/${encodeURIComponent(store)}/entries${suffix(query)}`,
      );
      yield* page.entries;
      cursor = page.next;
    } while (cursor);
  }

  /**
   * A live subscription (Server-Sent Events) to one key or to a store (optionally a prefix): the
   * current values, then every committed change. Unsubscribing closes the connection.
   */
  subscribe<K, V>(
    store: string,
    target: { key: KeyText } | { prefix?: KeyText } = {},
    /** `lastEventId`: resume after this event (an `id` of an earlier subscription) instead of starting with the current values. */
    options: { lastEventId?: string } = {},
  ): Observable<ChangeEvent<K, V>> {
    const path =
      'key' in target
        ? `${keyPath(store, target.key)}/changes`
        : `/stores/${encodeURIComponent(store)}/changes${suffix(new URLSearchParams(target.prefix === undefined ? {} : { prefix: keyText(target.prefix) }))}`;
    return new Observable((subscriber) => {
      const abort = new AbortController();
      (async () => {
        const headers = this.headers('text/event-stream');
        if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
        const response = await this.fetch(this.baseUrl + path, { headers, signal: abort.signal });
        if (!response.ok || !response.body) throw await errorOf(response);
        for await (const event of serverSentEvents(response.body)) {
          const data = JSON.parse(event.data) as Record<string, unknown>;
          subscriber.next({
            type: event.event,
            ...(event.id === undefined ? {} : { id: event.id }),
            ...data,
          } as ChangeEvent<K, V>);
          if (event.event === 'end') break;
        }
        subscriber.complete();
      })().catch((err: unknown) => {
        if (!abort.signal.aborted) subscriber.error(err);
      });
      return () => abort.abort();
    });
  }

  private headers(accept: string): Record<string, string> {
    return this.options.token ? { accept, authorization: `Bearer ${this.options.token}` } : { accept };
  }

  private async json<T>(path: string, options: { notFound: true }): Promise<T | undefined>;
  private async json<T>(path: string): Promise<T>;
  private async json<T>(path: string, options?: { notFound: true }): Promise<T | undefined> {
    const response = await this.fetch(this.baseUrl + path, { headers: this.headers('application/json') });
    if (response.status === 404 && options?.notFound) {
      const body = (await response.json()) as { error?: string };
      if (body.error === 'unknown-key') return undefined;
      throw new QueryError(404, body.error ?? 'not-found', JSON.stringify(body), undefined);
    }
    if (!response.ok) throw await errorOf(response);
    return (await response.json()) as T;
  }
}

function keyText(key: KeyText): string {
  return typeof key === 'string' ? key : JSON.stringify(key);
}

function keyPath(store: string, key: KeyText): string {
  return `/stores/${encodeURIComponent(store)}/keys/${encodeURIComponent(keyText(key))}`;
}

function suffix(query: URLSearchParams): string {
  const text = query.toString();
  return text ? `?${text}` : '';
}

async function errorOf(response: Response): Promise<QueryError> {
  const text = await response.text();
  let body: { error?: string; message?: string } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = { message: text };
  }
  const retryAfter = response.headers.get('retry-after');
  return new QueryError(
    response.status,
    body.error ?? 'error',
    body.message ?? `HTTP ${response.status}`,
    retryAfter === null ? undefined : Number(retryAfter),
  );
}

/** Splits a text/event-stream body into its events (comments and heartbeats skipped). */
async function* serverSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<{ event: string; data: string; id?: string }> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      let event = 'message';
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id') id = value;
      }
      if (data.length > 0) yield { event, data: data.join('\n'), ...(id === undefined ? {} : { id }) };
    }
  }
}
