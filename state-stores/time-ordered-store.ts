import type { Serde } from '../engine/serdes/serde.js';
import { CachingLayer } from './caching-layer.js';
import { OperationTimer } from './operation-timer.js';
import { RetainedBytesStore } from './retained-bytes-store.js';
import type { StateStoreContext } from './state-store.js';

/** The layers a window or session store asks for. */
export interface TimeOrderedLayers {
  readonly loggingEnabled: boolean;
  readonly cachingEnabled: boolean;
  readonly persistent: boolean;
  /** Values are ValueAndTimestamp (see LoggedBytesStore). */
  readonly timestamped: boolean;
}

/**
 * What window and session stores share: the metered layer, the write-back cache, and the retained,
 * logged bytes layers underneath; the store lifecycle and key serialization. Subclasses add their
 * key layout and queries.
 */
export abstract class TimeOrderedStore<K, V> {
  protected readonly backend: RetainedBytesStore;
  protected readonly cache: CachingLayer<V>;
  protected readonly timer: OperationTimer;
  protected context: StateStoreContext | null = null;
  readonly timestamped: boolean;
  private open = false;

  protected constructor(
    readonly name: string,
    protected readonly keySerde: Serde<K>,
    valueSerde: Serde<V>,
    readonly retentionMs: number,
    /** Timestamps after the key in each composite key (the first one is the retention time). */
    timestamps: number,
    private readonly layers: TimeOrderedLayers,
  ) {
    this.backend = new RetainedBytesStore(retentionMs, timestamps);
    this.cache = new CachingLayer(this.backend, valueSerde, name);
    this.timer = new OperationTimer(name);
    this.timestamped = layers.timestamped;
  }

  get persistent(): boolean {
    return this.layers.persistent;
  }

  init(context: StateStoreContext): void {
    this.backend.init(this, context, this.layers.loggingEnabled, this.layers.timestamped);
    this.cache.open(context.recordCache, this.layers.cachingEnabled);
    this.timer.init(context);
    this.context = context;
    this.open = true;
  }

  /** Writes the cache's dirty entries through (forwarding them), then flushes (and purges) the backend. */
  flush(): void {
    this.timer.time('flush', () => {
      this.cache.flush();
      this.backend.flush();
    });
  }

  /** Drops the cache without writing it: a clean close has flushed already, a dirty one must not. */
  close(): void {
    this.cache.clear();
    this.backend.bytes.close();
    this.open = false;
  }

  wipe(): void {
    this.cache.clear();
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
