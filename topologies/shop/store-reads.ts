import type { FastifyInstance } from 'fastify';
import { HttpError } from 'rivulet/interactive-queries';

/** A window or session of a store as the query server answers it. */
export interface TimeSpan<V> {
  readonly start: number;
  readonly end: number;
  readonly value: V;
}

/**
 * Reads of the shop's stores through the query server's own store routes (so a key that lives on
 * another instance is forwarded there); a failed read is an HttpError with the server's status,
 * message and Retry-After.
 */
export function storeReads(app: FastifyInstance) {
  const get = async <T>(url: string): Promise<T | undefined> => {
    const answer = await app.inject({ method: 'GET', url });
    if (answer.statusCode === 404 && answer.json<{ error: string }>().error === 'unknown-key')
      return undefined;
    if (answer.statusCode !== 200) {
      const body = answer.json<{ message: string }>();
      throw new HttpError(
        answer.statusCode,
        'store-read-failed',
        body.message,
        answer.headers['retry-after'] ? { 'retry-after': String(answer.headers['retry-after']) } : {},
      );
    }
    return answer.json<T>();
  };
  const keyUrl = (store: string, key: string) => `/stores/${store}/keys/${encodeURIComponent(key)}`;
  return {
    /** A key's value; undefined if the store has none. */
    key: async <T>(store: string, key: string): Promise<T | undefined> =>
      (await get<{ value: T }>(keyUrl(store, key)))?.value,
    /** A key's windows starting at or after `fromMs`, oldest first. */
    windows: async <T>(store: string, key: string, fromMs = 0): Promise<TimeSpan<T>[]> =>
      (await get<{ windows: TimeSpan<T>[] }>(`${keyUrl(store, key)}/windows?from=${fromMs}`))?.windows ?? [],
    /** A key's sessions, oldest first. */
    sessions: async <T>(store: string, key: string): Promise<TimeSpan<T>[]> =>
      (await get<{ sessions: TimeSpan<T>[] }>(`${keyUrl(store, key)}/sessions`))?.sessions ?? [],
    /** Every entry of a key-value store from key `from` on, across instances (pages followed). */
    entries: async <K, V>(store: string, from?: string): Promise<{ key: K; value: V }[]> => {
      const all: { key: K; value: V }[] = [];
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ limit: '100' });
        if (from !== undefined) query.set('from', from);
        if (cursor) query.set('cursor', cursor);
        const page: { entries: { key: K; value: V }[]; next: string | null } | undefined = await get(
          `/stores/${store}/entries?${query}`,
        );
        all.push(...(page?.entries ?? []));
        cursor = page?.next ?? null;
      } while (cursor);
      return all;
    },
  };
}
