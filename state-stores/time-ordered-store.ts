import type { Serde } from '../engine/serdes/serde.js';
import { RetainedBytesStore } from './retained-bytes-store.js';
import type { StateStoreContext } from './state-store.js';

/**
 * What window and session stores share: the retained, logged bytes layers underneath, the store
 * lifecycle, and key serialization. Subclasses add their key layout and queries.
 */
export abstract class TimeOrderedStore<K> {
  protected readonly backend: RetainedBytesStore;
  private open = false;

  protected constructor(
    readonly name: string,
    protected readonly keySerde: Serde<K>,
    readonly retentionMs: number,
    /** Timestamps after the key in each composite key (the first one is the retention time). */
    timestamps: number,
    private readonly loggingEnabled: boolean,
    readonly persistent: boolean,
    /** Values are ValueAndTimestamp (see LoggedBytesStore). */
    readonly timestamped = false,
  ) {
    this.backend = new RetainedBytesStore(retentionMs, timestamps);
  }

  init(context: StateStoreContext): void {
    this.backend.init(this, context, this.loggingEnabled, this.timestamped);
    this.open = true;
  }

  flush(): void {
    this.backend.flush();
  }

  close(): void {
    this.backend.bytes.close();
    this.open = false;
  }

  wipe(): void {
    this.backend.bytes.clear();
  }

  isOpen(): boolean {
    return this.open;
  }

  protected keyBytes(key: K): Buffer {
    const bytes = this.keySerde.serialize(this.name, key);
    if (bytes === null) throw new Error(`store ${this.name}: keys must not be null`);
    return bytes;
  }
}
