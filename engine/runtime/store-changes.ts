import type { Serde } from '../serdes/serde.js';
import type { QueryableStoreKind } from './store-query.js';

/** What a store is and where it lives on this instance: what a query tool needs to read it. */
export interface StoreDescription {
  readonly name: string;
  /** undefined for a store built by a builder of your own. */
  readonly kind: QueryableStoreKind | undefined;
  /** A global store (GlobalKTable): whole on every instance. */
  readonly global: boolean;
  /** The serdes of its keys and of its values as queries read them (undefined when unknown). */
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  /** How many partitions the store has across the application (1 for a global store). */
  readonly partitionCount: number;
  /** Partitions whose active, restored store is on this instance. */
  readonly activePartitions: readonly number[];
  /** Partitions active here whose store still restores (readable with stale stores). */
  readonly restoringPartitions: readonly number[];
  /** Partitions this instance holds standby replicas of (readable with stale stores). */
  readonly standbyPartitions: readonly number[];
  /** Its changelog topic, or null when logging is disabled (or for a global store). */
  readonly changelogTopic: string | null;
}

/** How far a local copy of a store partition is behind its changelog (Kafka Streams' LagInfo). */
export interface LagInfo {
  /** Changelog records not yet in the local copy: 0 for a running active store. */
  readonly offsetLag: number;
}

/** Which changes `KafkaStreams.changes` delivers. */
export interface StoreChangesOptions<K> {
  /** Only this key's changes (read from its changelog partition alone). */
  readonly key?: K;
  /** Only keys whose serialized form starts with this key's (a string prefix for String keys). */
  readonly prefix?: K;
  /** Resume at these changelog positions (per partition) instead of the end of the changelog. */
  readonly from?: readonly { readonly partition: number; readonly offset: number }[];
}

/** The first event of a subscription: the changelog positions changes start from. */
export interface StoreChangesStarted {
  readonly type: 'started';
  readonly positions: readonly { readonly partition: number; readonly offset: number }[];
}

/** One committed change of a store, as its changelog holds it (value null: the key was deleted). */
export interface StoreChange<K, V> {
  readonly type: 'change';
  readonly key: K;
  readonly value: V | null;
  readonly timestampMs: number;
  readonly partition: number;
  readonly offset: number;
}

export type StoreChangeEvent<K, V> = StoreChangesStarted | StoreChange<K, V>;
