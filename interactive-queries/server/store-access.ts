import {
  type KafkaStreams,
  type QueryableStoreType,
  type StoreDescription,
  StoreNotQueryableError,
  StoreQueryParameters,
  StreamsNotStartedError,
} from 'rivulet';
import { HttpError } from './http-error.js';
import { type KeyParser, keyParser } from './key-text.js';

/** Where a key's partition is answered: here (active, or a stale copy), or by another instance. */
export type KeyLocation =
  | { readonly where: 'here'; readonly partition: number | undefined; readonly stale: boolean }
  | { readonly where: 'there'; readonly partition: number; readonly address: string };

/**
 * The server's view of the engine: finds stores, reads keys from text, and decides which instance
 * answers a key — through the engine's public query and metadata API only.
 */
export class StoreAccess {
  constructor(
    readonly streams: KafkaStreams,
    private readonly keyParsers: Readonly<Record<string, KeyParser>>,
    private readonly retryAfterSeconds: number,
    /** This instance's address as the others call it (undefined: not known yet). */
    readonly selfAddress: () => string | undefined,
  ) {}

  /** The store, or 404 naming the stores there are. */
  describe(name: string): StoreDescription {
    const all = this.streams.storeDescriptions();
    const found = all.find((d) => d.name === name);
    if (!found)
      throw new HttpError(
        404,
        'unknown-store',
        `no store named '${name}'; the stores are: ${all.map((d) => d.name).join(', ') || 'none'}`,
      );
    return found;
  }

  /** The store, or 400 when it is not one of `kinds` (naming the route that reads it). */
  describeAs(name: string, kinds: readonly string[], route: string): StoreDescription {
    const store = this.describe(name);
    if (!store.kind || !kinds.includes(store.kind))
      throw new HttpError(
        400,
        'wrong-store-kind',
        `store ${name} is a ${store.kind ?? 'custom'} store; ${route} reads ${kinds.join(' and ')} stores (${routeFor(store.kind)})`,
      );
    return store;
  }

  parseKey(store: StoreDescription, text: string): unknown {
    return keyParser(store.name, store.keySerde, this.keyParsers[store.name])(text);
  }

  /** Which instance answers `key` of `store`; 503 while no instance does (a rebalance or restore). */
  locate(store: StoreDescription, key: unknown, stale: boolean, forwarded: boolean): KeyLocation {
    if (store.global) return { where: 'here', partition: undefined, stale: false };
    const metadata = this.notQueryableAs503(store.name, () =>
      this.streams.queryMetadataForKey(store.name, key, store.keySerde!),
    );
    const { partition } = metadata;
    if (store.activePartitions.includes(partition)) return { where: 'here', partition, stale: false };
    const staleHere =
      store.restoringPartitions.includes(partition) || store.standbyPartitions.includes(partition);
    if (stale && staleHere) return { where: 'here', partition, stale: true };
    const self = this.selfAddress();
    const owner = metadata.activeHost?.hostInfo ?? undefined;
    const standby = stale
      ? metadata.standbyHosts.find((h) => h.hostInfo && h.hostInfo !== self)?.hostInfo
      : undefined;
    const address = owner && owner !== self ? owner : (standby ?? undefined);
    if (forwarded || !address) {
      const why = forwarded
        ? 'it moved away from the instance the request was forwarded to'
        : store.restoringPartitions.includes(partition)
          ? 'its store is restoring here'
          : 'no instance hosts it right now (the application is rebalancing)';
      throw this.unavailable(
        `partition ${partition} of store ${store.name} cannot answer: ${why}; retry, or add ?stale=true to read a standby`,
      );
    }
    return { where: 'there', partition, address };
  }

  /** A read-only view of the store: one partition, or all this instance hosts (active ones unless stale). */
  view<T>(
    store: StoreDescription,
    type: QueryableStoreType<T>,
    partition: number | undefined,
    stale: boolean,
  ): T {
    let parameters = StoreQueryParameters.fromNameAndType(store.name, type);
    if (partition !== undefined) parameters = parameters.withPartition(partition);
    if (stale) parameters = parameters.enableStaleStores();
    return this.notQueryableAs503(store.name, () => this.streams.store(parameters));
  }

  /** Runs `read`, answering 503 (with Retry-After) when the store cannot be queried now. */
  notQueryableAs503<T>(name: string, read: () => T): T {
    try {
      return read();
    } catch (err) {
      if (err instanceof StoreNotQueryableError) throw this.unavailable(err.message);
      if (err instanceof StreamsNotStartedError)
        throw this.unavailable(`store ${name} cannot answer: the instance has not started`);
      throw err;
    }
  }

  unavailable(message: string): HttpError {
    return new HttpError(503, 'store-not-queryable', message, {
      'retry-after': String(this.retryAfterSeconds),
    });
  }

  /** The key's bytes as its store serializes them (their order is the order of ranges and pages). */
  keyBytes(store: StoreDescription, key: unknown): Buffer {
    return store.keySerde!.serialize(store.changelogTopic ?? store.name, key) ?? Buffer.alloc(0);
  }
}

function routeFor(kind: string | undefined): string {
  switch (kind) {
    case 'window':
    case 'timestamped-window':
      return 'use /stores/:store/keys/:key/windows';
    case 'session':
      return 'use /stores/:store/keys/:key/sessions';
    case undefined:
      return 'a store of your own kind cannot be read over HTTP';
    default:
      return 'use /stores/:store/keys/:key or /stores/:store/entries';
  }
}
