import type { ReadOnlyKeyValueStore } from '../../state-stores/key-value-store.js';
import type { ReadOnlySessionStore } from '../../state-stores/session-store.js';
import type { ValueAndTimestamp } from '../../state-stores/value-and-timestamp.js';
import type { ReadOnlyVersionedKeyValueStore } from '../../state-stores/versioned-key-value-store.js';
import type { ReadOnlyWindowStore } from '../../state-stores/window-store.js';

/** The kinds of store an interactive query can ask for. */
export type QueryableStoreKind =
  | 'key-value'
  | 'timestamped-key-value'
  | 'window'
  | 'timestamped-window'
  | 'session'
  | 'versioned-key-value';

/** What kind of store a query wants, and (as a type) the read-only view it gets (Kafka Streams' QueryableStoreType). */
export interface QueryableStoreType<T> {
  readonly kind: QueryableStoreKind;
  /** Never set: carries the view's type. */
  readonly view?: T;
}

/** The store types of interactive queries, as Kafka Streams' QueryableStoreTypes. */
export const QueryableStoreTypes = {
  /** Key-value stores; the DSL's timestamped ones are read without their timestamps. */
  keyValueStore<K, V>(): QueryableStoreType<ReadOnlyKeyValueStore<K, V>> {
    return { kind: 'key-value' };
  },
  /** The DSL's tables and aggregations, values with the timestamp of the record that set them. */
  timestampedKeyValueStore<K, V>(): QueryableStoreType<ReadOnlyKeyValueStore<K, ValueAndTimestamp<V>>> {
    return { kind: 'timestamped-key-value' };
  },
  /** Window stores; the DSL's timestamped ones are read without their timestamps. */
  windowStore<K, V>(): QueryableStoreType<ReadOnlyWindowStore<K, V>> {
    return { kind: 'window' };
  },
  timestampedWindowStore<K, V>(): QueryableStoreType<ReadOnlyWindowStore<K, ValueAndTimestamp<V>>> {
    return { kind: 'timestamped-window' };
  },
  sessionStore<K, V>(): QueryableStoreType<ReadOnlySessionStore<K, V>> {
    return { kind: 'session' };
  },
  /** A table kept in a versioned store: its value now or as of a time. */
  versionedKeyValueStore<K, V>(): QueryableStoreType<ReadOnlyVersionedKeyValueStore<K, V>> {
    return { kind: 'versioned-key-value' };
  },
} as const;

/**
 * Which store an interactive query reads, and how (Kafka Streams' StoreQueryParameters): all the
 * partitions this instance hosts, or one; only active, up-to-date stores, or also standby replicas
 * and stores still restoring (stale: they may lag behind).
 */
export class StoreQueryParameters<T> {
  private constructor(
    readonly storeName: string,
    readonly type: QueryableStoreType<T>,
    readonly partition: number | undefined,
    readonly staleStoresEnabled: boolean,
  ) {}

  static fromNameAndType<T>(storeName: string, type: QueryableStoreType<T>): StoreQueryParameters<T> {
    return new StoreQueryParameters(storeName, type, undefined, false);
  }

  /** Only this partition's store (the one `queryMetadataForKey` names for a key). */
  withPartition(partition: number): StoreQueryParameters<T> {
    if (!Number.isInteger(partition) || partition < 0)
      throw new Error(
        `StoreQueryParameters.withPartition: a partition is a whole number >= 0, got ${partition}`,
      );
    return new StoreQueryParameters(this.storeName, this.type, partition, this.staleStoresEnabled);
  }

  /** Also standby replicas and stores still restoring, and while the instance rebalances. */
  enableStaleStores(): StoreQueryParameters<T> {
    return new StoreQueryParameters(this.storeName, this.type, this.partition, true);
  }
}
