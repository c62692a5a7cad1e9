import type { TaskId } from '../engine/task-id.js';
import type { RecordCache } from './record-cache.js';

/** What the runtime gives a store when its task initializes it. */
export interface StateStoreContext {
  readonly applicationId: string;
  readonly taskId: TaskId;
  /**
   * Registers the store with its task. The task replays the store's changelog into `restore` before
   * it processes records, and returns a function that writes one change to the changelog (or null
   * when logging is disabled for the store).
   */
  register(store: StateStore, restore: RestoreCallback, loggingEnabled: boolean): ChangeLogger | null;
  /** The timestamp of the record being processed: changelog records carry it. */
  recordTimestampMs(): number;
  /** @internal The instance's record cache, for stores with caching enabled (null: no caching). */
  readonly recordCache: RecordCache | null;
  /** `<stateDir>/<applicationId>/<taskId>/<store>`, for persistent stores (created on demand). */
  storeDirectory(storeName: string): string;
  /** Records how long a store operation took (stores sample: timing every call would cost more than the call). */
  observeLatency(storeName: string, operation: StoreOperation, seconds: number): void;
}

export type StoreOperation = 'get' | 'put' | 'range' | 'flush';

/** One changelog record replayed into a store; timestamped stores keep the record's timestamp. */
export type RestoreCallback = (key: Buffer, value: Buffer | null, timestampMs: number) => void;
export type ChangeLogger = (key: Buffer, value: Buffer | null, timestampMs: number) => void;

/** Every store: named, owned by one task, flushed on commit. */
export interface StateStore {
  readonly name: string;
  readonly persistent: boolean;
  init(context: StateStoreContext): void;
  flush(): void;
  /** Deletes the local content (before a restore from the start of the changelog). */
  wipe(): void;
  close(): void;
  isOpen(): boolean;
}
