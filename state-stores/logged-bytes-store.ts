import { InMemoryKeyValueBytesStore } from './in-memory-key-value-bytes-store.js';
import type { KeyValueBytesStore } from './key-value-bytes-store.js';
import { LmdbKeyValueBytesStore } from './lmdb-key-value-bytes-store.js';
import type { ChangeLogger, StateStore, StateStoreContext } from './state-store.js';
import { TIMESTAMP_BYTES, withTimestampBytes } from './value-and-timestamp.js';

/**
 * The lower layers every store shares: the bytes backend (in memory or LMDB, chosen by
 * `persistent`) with change-logging of each write. Restores write straight to the backend.
 *
 * A timestamped store's values start with their 8-byte timestamp. As in Kafka Streams, its
 * changelog holds the plain value with that timestamp as the record's, and a restore joins the two
 * again, so the changelog of a timestamped store reads like any other.
 */
export class LoggedBytesStore {
  bytes: KeyValueBytesStore = new InMemoryKeyValueBytesStore();
  private logger: ChangeLogger | null = null;
  private context: StateStoreContext | null = null;
  private timestamped = false;

  init(owner: StateStore, context: StateStoreContext, loggingEnabled: boolean, timestamped = false): void {
    if (owner.persistent) this.bytes = new LmdbKeyValueBytesStore(context.storeDirectory(owner.name));
    this.timestamped = timestamped;
    this.logger = context.register(
      owner,
      timestamped
        ? (key, value, timestampMs) => this.bytes.put(key, value && withTimestampBytes(value, timestampMs))
        : (key, value) => this.bytes.put(key, value),
      loggingEnabled,
    );
    this.context = context;
  }

  /** `timestampMs` is the changelog record's (a timestamped value brings its own). */
  put(key: Buffer, value: Buffer | null, timestampMs = this.context!.recordTimestampMs()): void {
    this.bytes.put(key, value);
    if (!this.logger) return;
    if (this.timestamped && value)
      this.logger(key, value.subarray(TIMESTAMP_BYTES), Number(value.readBigInt64BE(0)));
    else this.logger(key, value, timestampMs);
  }
}
