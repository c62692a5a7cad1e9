import type { Serde } from '../engine/serdes/serde.js';
import type { KeyValue, KeyValueStore } from './key-value-store.js';
import { LoggedBytesStore } from './logged-bytes-store.js';
import type { CacheEntry, NamedCache } from './record-cache.js';
import type { StateStoreContext, StoreOperation } from './state-store.js';
import type { ValueAndTimestamp } from './value-and-timestamp.js';

const SAMPLE_MASK = 63;

/** Told of each key a cache flush writes through: what downstream should now see, and what it saw before. */
export type FlushListener<K, V> = (
  key: K,
  newValue: V | null,
  oldValue: V | null,
  timestampMs: number,
) => void;

/**
 * A typed key-value store, the layers of ARCHITECTURE §6 in one place: serdes outside; an optional
 * write-back cache holding typed values (repeated updates to a key between commits become one
 * changelog write and one downstream update at flush or eviction); then the logged bytes layers
 * every store shares (LoggedBytesStore). A timestamped store holds ValueAndTimestamp values.
 */
export class MeteredKeyValueStore<K, V> implements KeyValueStore<K, V> {
  private readonly backend = new LoggedBytesStore();
  private cache: NamedCache<V> | null = null;
  private flushListener: FlushListener<K, V> | null = null;
  private open = false;
  private context: StateStoreContext | null = null;
  private readonly topic: string;
  /** Operations so far: one in SAMPLE_MASK + 1 is timed. */
  private operations = 0;

  constructor(
    readonly name: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly loggingEnabled: boolean,
    private readonly cachingEnabled: boolean,
    readonly persistent: boolean,
    /** Values are ValueAndTimestamp (serialized with valueAndTimestampSerde). */
    readonly timestamped = false,
  ) {
    this.topic = name;
  }

  init(context: StateStoreContext): void {
    this.backend.init(this, context, this.loggingEnabled, this.timestamped);
    this.context = context;
    const recordCache = context.recordCache;
    if (this.cachingEnabled && recordCache && recordCache.maxBytes > 0) {
      this.cache = recordCache.named<V>((dirty) => this.writeThrough(dirty));
    }
    this.open = true;
  }

  /**
   * Registers who forwards this store's updates downstream. Returns true when the store caches:
   * then updates reach the listener at flush or eviction and the processor must not forward itself.
   */
  setFlushListener(listener: FlushListener<K, V>): boolean {
    this.flushListener = listener;
    return this.cache !== null;
  }

  get(key: K): V | null {
    if ((++this.operations & SAMPLE_MASK) === 0) return this.timed('get', () => this.getUntimed(key));
    return this.getUntimed(key);
  }

  private getUntimed(key: K): V | null {
    const k = this.keyBytes(key);
    if (this.cache) {
      const entry = this.cache.get(k.toString('latin1'));
      if (entry) return entry.value;
    }
    return this.valueSerde.deserialize(this.topic, this.backend.bytes.get(k));
  }

  put(key: K, value: V | null): void {
    if ((++this.operations & SAMPLE_MASK) === 0) this.timed('put', () => this.putUntimed(key, value));
    else this.putUntimed(key, value);
  }

  private putUntimed(key: K, value: V | null): void {
    const k = this.keyBytes(key);
    const timestampMs =
      this.timestamped && value !== null
        ? (value as ValueAndTimestamp<unknown>).timestampMs
        : this.context!.recordTimestampMs();
    if (this.cache) {
      this.cache.put(k.toString('latin1'), k, value, timestampMs);
      return;
    }
    this.backend.put(k, this.valueSerde.serialize(this.topic, value), timestampMs);
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
    const bytes = prefixSerde.serialize(this.topic, prefix);
    if (bytes === null) throw new Error(`store ${this.name}: prefixScan needs a non-null prefix`);
    return this.iterate(bytes, null, false, bytes);
  }

  approximateNumEntries(): number {
    let n = this.backend.bytes.size();
    if (this.cache) {
      for (const [, entry] of this.cache.between(undefined, undefined)) {
        const inBackend = this.backend.bytes.get(entry.keyBytes) !== null;
        if (entry.value !== null && !inBackend) n++;
        else if (entry.value === null && inBackend) n--;
      }
    }
    return n;
  }

  /** Writes the cache's dirty entries through (forwarding them) so the backend and changelog are current. */
  flush(): void {
    this.timed('flush', () => {
      this.cache?.flush();
      this.backend.bytes.flush();
    });
  }

  /** Drops the cache without writing it: a clean close has flushed already, a dirty one must not. */
  close(): void {
    this.cache?.clear();
    this.backend.bytes.close();
    this.open = false;
  }

  wipe(): void {
    this.cache?.clear();
    this.backend.bytes.clear();
  }

  isOpen(): boolean {
    return this.open;
  }

  private timed<T>(operation: StoreOperation, run: () => T): T {
    const started = performance.now();
    const result = run();
    this.context?.observeLatency(this.name, operation, (performance.now() - started) / 1000);
    return result;
  }

  private writeThrough(dirty: CacheEntry<V>[]): void {
    for (const entry of dirty) {
      const old = this.backend.bytes.get(entry.keyBytes);
      // Deleting a key the backend never held: nothing to write, log or forward (as Kafka Streams' cache).
      if (entry.value === null && old === null) continue;
      this.backend.put(entry.keyBytes, this.valueSerde.serialize(this.topic, entry.value), entry.timestampMs);
      this.flushListener?.(
        this.keySerde.deserialize(this.topic, entry.keyBytes) as K,
        entry.value,
        this.valueSerde.deserialize(this.topic, old),
        entry.timestampMs,
      );
    }
  }

  /** Ordered entries from the backend, with the cache's newer values (and deletions) laid over them. */
  /** Opening a range (the backend positions its cursor) is what is timed, not the caller's iteration. */
  private iterate(
    from: Buffer | null,
    to: Buffer | null,
    reverse: boolean,
    prefix?: Buffer,
  ): IterableIterator<KeyValue<K, V>> {
    if ((++this.operations & SAMPLE_MASK) !== 0) return this.iterateUntimed(from, to, reverse, prefix);
    const it = this.iterateUntimed(from, to, reverse, prefix);
    const first = this.timed('range', () => it.next());
    return (function* () {
      if (first.done) return;
      yield first.value;
      yield* it;
    })();
  }

  private *iterateUntimed(
    from: Buffer | null,
    to: Buffer | null,
    reverse: boolean,
    prefix?: Buffer,
  ): IterableIterator<KeyValue<K, V>> {
    const backend = prefix ? this.backend.bytes.prefix(prefix) : this.backend.bytes.range(from, to, reverse);
    if (!this.cache) {
      for (const { key, value } of backend) yield this.typed(key, value);
      return;
    }
    const lo = from?.toString('latin1');
    const hi = to?.toString('latin1');
    const cached = [...this.cache.between(lo, hi)].filter(
      ([k]) => !prefix || k.startsWith(prefix.toString('latin1')),
    );
    cached.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (reverse) cached.reverse();
    const before = (a: string, b: string) => (reverse ? a > b : a < b);
    let i = 0;
    for (const { key, value } of backend) {
      const k = key.toString('latin1');
      for (; i < cached.length && before(cached[i]![0], k); i++) {
        const entry = cached[i]![1];
        if (entry.value !== null)
          yield { key: this.keySerde.deserialize(this.topic, entry.keyBytes) as K, value: entry.value };
      }
      if (i < cached.length && cached[i]![0] === k) {
        const entry = cached[i++]![1];
        if (entry.value !== null)
          yield { key: this.keySerde.deserialize(this.topic, entry.keyBytes) as K, value: entry.value };
        continue;
      }
      yield this.typed(key, value);
    }
    for (; i < cached.length; i++) {
      const entry = cached[i]![1];
      if (entry.value !== null)
        yield { key: this.keySerde.deserialize(this.topic, entry.keyBytes) as K, value: entry.value };
    }
  }

  private typed(key: Buffer, value: Buffer): KeyValue<K, V> {
    return {
      key: this.keySerde.deserialize(this.topic, key) as K,
      value: this.valueSerde.deserialize(this.topic, value) as V,
    };
  }

  private keyBytes(key: K): Buffer {
    const bytes = this.keySerde.serialize(this.topic, key);
    if (bytes === null) throw new Error(`store ${this.name}: keys must not be null`);
    return bytes;
  }

  private boundBytes(key: K | null): Buffer | null {
    return key === null ? null : this.keyBytes(key);
  }
}
