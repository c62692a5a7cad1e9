import type { Serde } from '../engine/serdes/serde.js';
import { CachingLayer } from './caching-layer.js';
import type { KeyValue, KeyValueStore } from './key-value-store.js';
import { LoggedBytesStore } from './logged-bytes-store.js';
import { OperationTimer } from './operation-timer.js';
import type { StateStoreContext } from './state-store.js';
import type { ValueAndTimestamp } from './value-and-timestamp.js';

/** Told of each key a cache flush writes through: what downstream should now see, and what it saw before. */
export type FlushListener<K, V> = (
  key: K,
  newValue: V | null,
  oldValue: V | null,
  timestampMs: number,
) => void;

/**
 * A typed key-value store: Kafka Streams' Metered(Caching(ChangeLogging(bytes))) as one object over
 * the layers every store type shares — sampled timing (OperationTimer), serdes, the write-back
 * cache (CachingLayer), then change-logging over the bytes backend (LoggedBytesStore). A
 * timestamped store holds ValueAndTimestamp values.
 */
export class MeteredKeyValueStore<K, V> implements KeyValueStore<K, V> {
  private readonly backend = new LoggedBytesStore();
  private readonly cache: CachingLayer<V>;
  private readonly timer: OperationTimer;
  private open = false;
  private context: StateStoreContext | null = null;

  constructor(
    readonly name: string,
    private readonly keySerde: Serde<K>,
    valueSerde: Serde<V>,
    private readonly loggingEnabled: boolean,
    private readonly cachingEnabled: boolean,
    readonly persistent: boolean,
    /** Values are ValueAndTimestamp (serialized with valueAndTimestampSerde). */
    readonly timestamped = false,
  ) {
    this.cache = new CachingLayer(this.backend, valueSerde, name);
    this.timer = new OperationTimer(name);
  }

  init(context: StateStoreContext): void {
    this.backend.init(this, context, this.loggingEnabled, this.timestamped);
    this.cache.open(context.recordCache, this.cachingEnabled);
    this.timer.init(context);
    this.context = context;
    this.open = true;
  }

  /**
   * Registers who forwards this store's updates downstream. Returns true when the store caches:
   * then updates reach the listener at flush or eviction and the processor must not forward itself.
   * Old values reach it only with `sendOldValues`.
   */
  setFlushListener(listener: FlushListener<K, V>, sendOldValues = true): boolean {
    this.cache.setFlushListener(
      (key, newValue, oldValue, timestampMs) =>
        listener(this.keySerde.deserialize(this.name, key) as K, newValue, oldValue, timestampMs),
      sendOldValues,
    );
    return this.cache.caching;
  }

  get(key: K): V | null {
    const started = this.timer.start();
    const value = this.cache.get(this.keyBytes(key));
    this.timer.end('get', started);
    return value;
  }

  put(key: K, value: V | null): void {
    const started = this.timer.start();
    const timestampMs =
      this.timestamped && value !== null
        ? (value as ValueAndTimestamp<unknown>).timestampMs
        : this.context!.recordTimestampMs();
    this.cache.put(this.keyBytes(key), value, timestampMs);
    this.timer.end('put', started);
  }

  putIfAbsent(key: K, value: V): V | null {
    const existing = this.get(key);
    if (existing === null) this.put(key, value);
    return existing;
  }

  putAll(entries: Iterable<KeyValue<K, V>>): void {
    for (const { key, value } of entries) this.put(key, value);
  }

  delete(key: K): V | null {
    const existing = this.get(key);
    if (existing !== null) this.put(key, null);
    return existing;
  }

  range(from: K | null, to: K | null): IterableIterator<KeyValue<K, V>> {
    return this.iterate(this.boundBytes(from), this.boundBytes(to), false);
  }

  reverseRange(from: K | null, to: K | null): IterableIterator<KeyValue<K, V>> {
    return this.iterate(this.boundBytes(from), this.boundBytes(to), true);
  }

  all(): IterableIterator<KeyValue<K, V>> {
    return this.iterate(null, null, false);
  }

  reverseAll(): IterableIterator<KeyValue<K, V>> {
    return this.iterate(null, null, true);
  }

  prefixScan<P>(prefix: P, prefixSerde: Serde<P>): IterableIterator<KeyValue<K, V>> {
    const bytes = prefixSerde.serialize(this.name, prefix);
    if (bytes === null) throw new Error(`store ${this.name}: prefixScan needs a non-null prefix`);
    return this.iterate(bytes, null, false, bytes);
  }

  approximateNumEntries(): number {
    return this.backend.bytes.size() + this.cache.countAdjustment();
  }

  /** Writes the cache's dirty entries through (forwarding them) so the backend and changelog are current. */
  flush(): void {
    this.timer.time('flush', () => {
      this.cache.flush();
      this.backend.bytes.flush();
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

  private iterate(
    from: Buffer | null,
    to: Buffer | null,
    reverse: boolean,
    prefix?: Buffer,
  ): IterableIterator<KeyValue<K, V>> {
    const keySerde = this.keySerde;
    const name = this.name;
    const entries = () => this.cache.range(from, to, reverse, prefix);
    return this.timer.range(function* () {
      for (const { key, value } of entries()) yield { key: keySerde.deserialize(name, key) as K, value };
    });
  }

  private keyBytes(key: K): Buffer {
    const bytes = this.keySerde.serialize(this.name, key);
    if (bytes === null) throw new Error(`store ${this.name}: keys must not be null`);
    return bytes;
  }

  private boundBytes(key: K | null): Buffer | null {
    return key === null ? null : this.keyBytes(key);
  }
}
