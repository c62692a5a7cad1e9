import type { Serde } from '../engine/serdes/serde.js';
import { InMemoryKeyValueBytesStore } from './in-memory-key-value-bytes-store.js';
import type { KeyValue, KeyValueStore } from './key-value-store.js';
import type { ChangeLogger, StateStoreContext } from './state-store.js';

/**
 * A typed key-value store: serdes on the outside, change-logging of every write, and the bytes
 * backend underneath. Restores from the changelog go straight to the backend.
 */
export class MeteredKeyValueStore<K, V> implements KeyValueStore<K, V> {
  readonly persistent = false;
  private readonly bytes = new InMemoryKeyValueBytesStore();
  private logger: ChangeLogger | null = null;
  private open = false;
  private context: StateStoreContext | null = null;
  private readonly topic: string;

  constructor(
    readonly name: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly loggingEnabled: boolean,
  ) {
    this.topic = name;
  }

  init(context: StateStoreContext): void {
    this.logger = context.register(this, (key, value) => this.bytes.put(key, value), this.loggingEnabled);
    this.context = context;
    this.open = true;
  }

  get(key: K): V | null {
    return this.valueSerde.deserialize(this.topic, this.bytes.get(this.keyBytes(key)));
  }

  put(key: K, value: V | null): void {
    const k = this.keyBytes(key);
    const v = this.valueSerde.serialize(this.topic, value);
    this.bytes.put(k, v);
    if (this.logger) this.logger(k, v, this.context!.recordTimestampMs());
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
    return this.typed(this.bytes.range(this.boundBytes(from), this.boundBytes(to), false));
  }

  reverseRange(from: K | null, to: K | null): IterableIterator<KeyValue<K, V>> {
    return this.typed(this.bytes.range(this.boundBytes(from), this.boundBytes(to), true));
  }

  all(): IterableIterator<KeyValue<K, V>> {
    return this.typed(this.bytes.range(null, null, false));
  }

  reverseAll(): IterableIterator<KeyValue<K, V>> {
    return this.typed(this.bytes.range(null, null, true));
  }

  prefixScan<P>(prefix: P, prefixSerde: Serde<P>): IterableIterator<KeyValue<K, V>> {
    const bytes = prefixSerde.serialize(this.topic, prefix);
    if (bytes === null) throw new Error(`store ${this.name}: prefixScan needs a non-null prefix`);
    return this.typed(this.bytes.prefix(bytes));
  }

  approximateNumEntries(): number {
    return this.bytes.size();
  }

  flush(): void {}

  close(): void {
    this.open = false;
  }

  isOpen(): boolean {
    return this.open;
  }

  /** Drops all local content (a dirty close under exactly-once wipes state before restoring). */
  wipe(): void {
    this.bytes.clear();
  }

  private keyBytes(key: K): Buffer {
    const bytes = this.keySerde.serialize(this.topic, key);
    if (bytes === null) throw new Error(`store ${this.name}: keys must not be null`);
    return bytes;
  }

  private boundBytes(key: K | null): Buffer | null {
    return key === null ? null : this.keyBytes(key);
  }

  private *typed(entries: IterableIterator<KeyValue<Buffer, Buffer>>): IterableIterator<KeyValue<K, V>> {
    for (const { key, value } of entries) {
      yield {
        key: this.keySerde.deserialize(this.topic, key) as K,
        value: this.valueSerde.deserialize(this.topic, value) as V,
      };
    }
  }
}
