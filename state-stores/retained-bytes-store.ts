import { splitCompositeKey } from './composite-key.js';
import { LoggedBytesStore } from './logged-bytes-store.js';

/**
 * The layers under window and session stores: logged bytes keyed `key ‖ time ‖ …`, with retention
 * by that first time. Entries older than `retentionMs` behind the newest time observed are expired;
 * a flush purges them about twice per retention period, directly in the backend (the changelog
 * drops them by its own retention.ms).
 */
export class RetainedBytesStore extends LoggedBytesStore {
  private observedMs = -1;
  private lastPurgeMs = -1;

  constructor(
    private readonly retentionMs: number,
    /** How many timestamps follow the key in each composite key. */
    private readonly timestamps: number,
  ) {
    super();
  }

  observe(timeMs: number): void {
    if (timeMs > this.observedMs) this.observedMs = timeMs;
  }

  expired(timeMs: number): boolean {
    return timeMs <= this.observedMs - this.retentionMs;
  }

  flush(): void {
    if (this.observedMs - this.lastPurgeMs >= this.retentionMs / 2) {
      this.lastPurgeMs = this.observedMs;
      const expired: Buffer[] = [];
      for (const { key } of this.bytes.range(null, null, false)) {
        if (this.expired(splitCompositeKey(key, this.timestamps).timestamps[0]!)) expired.push(key);
      }
      for (const key of expired) this.bytes.put(key, null);
    }
    this.bytes.flush();
  }
}
