import type { KeyValue } from './key-value-store.js';

/** The innermost layer of a key-value store: ordered bytes, in memory or on disk. */
export interface KeyValueBytesStore {
  readonly persistent: boolean;
  get(key: Buffer): Buffer | null;
  /** A null value deletes the key. */
  put(key: Buffer, value: Buffer | null): void;
  /** Entries with from <= key <= to (null bounds are open), ascending or descending. */
  range(from: Buffer | null, to: Buffer | null, reverse: boolean): IterableIterator<KeyValue<Buffer, Buffer>>;
  prefix(prefix: Buffer): IterableIterator<KeyValue<Buffer, Buffer>>;
  size(): number;
  /** Makes the writes so far durable (one batch per commit). */
  flush(): void;
  /** Deletes everything (a wipe before a full restore). */
  clear(): void;
  close(): void;
}
