import { InMemoryKeyValueBytesStore } from './in-memory-key-value-bytes-store.js';
import type { KeyValueBytesStore } from './key-value-bytes-store.js';
import { LmdbKeyValueBytesStore } from './lmdb-key-value-bytes-store.js';
import type { ChangeLogger, StateStore, StateStoreContext } from './state-store.js';

/**
 * The lower layers every store shares: the bytes backend (in memory or LMDB, chosen by
 * `persistent`) with change-logging of each write. Restores write straight to the backend.
 */
export class LoggedBytesStore {
  bytes: KeyValueBytesStore = new InMemoryKeyValueBytesStore();
  private logger: ChangeLogger | null = null;
  private context: StateStoreContext | null = null;

  init(owner: StateStore, context: StateStoreContext, loggingEnabled: boolean): void {
    if (owner.persistent) this.bytes = new LmdbKeyValueBytesStore(context.storeDirectory(owner.name));
    this.logger = context.register(owner, (key, value) => this.bytes.put(key, value), loggingEnabled);
    this.context = context;
  }

  put(key: Buffer, value: Buffer | null, timestampMs = this.context!.recordTimestampMs()): void {
    this.bytes.put(key, value);
    if (this.logger) this.logger(key, value, timestampMs);
  }
}
