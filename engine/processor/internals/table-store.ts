import type { KeyValueStore } from '../../../state-stores/key-value-store.js';
import type { ValueAndTimestamp } from '../../../state-stores/value-and-timestamp.js';
import {
  isVersioned,
  PUT_RETURN_CODE_NOT_PUT,
  PUT_RETURN_CODE_VALID_TO_UNDEFINED,
  type VersionedKeyValueStore,
} from '../../../state-stores/versioned-key-value-store.js';

/** What a put into a table's store did: the key's latest value, an older version (history), or nothing (too old). */
export type TablePut = 'latest' | 'not-latest' | 'not-put';

/**
 * A table's store as the table processors write it, timestamped or versioned (Kafka Streams'
 * KeyValueStoreWrapper): `get` is the key's latest value; `put` of a timestamped store always
 * makes the latest value, of a versioned one adds a version by the record's timestamp.
 */
export class TableStore<K, V> {
  private constructor(
    private readonly timestamped: KeyValueStore<K, ValueAndTimestamp<V>> | null,
    private readonly versioned: VersionedKeyValueStore<K, V> | null,
  ) {}

  static of<K, V>(store: object): TableStore<K, V> {
    return isVersioned(store)
      ? new TableStore<K, V>(null, store as VersionedKeyValueStore<K, V>)
      : new TableStore<K, V>(store as KeyValueStore<K, ValueAndTimestamp<V>>, null);
  }

  /** The store itself (a caching timestamped store forwards its flushed updates). */
  get store(): object {
    return (this.timestamped ?? this.versioned)!;
  }

  get(key: K): ValueAndTimestamp<V> | null {
    return this.timestamped ? this.timestamped.get(key) : this.versioned!.get(key);
  }

  put(key: K, value: V | null, timestampMs: number): TablePut {
    if (this.timestamped) {
      this.timestamped.put(key, value === null ? null : { value, timestampMs });
      return 'latest';
    }
    const code = this.versioned!.put(key, value, timestampMs);
    if (code === PUT_RETURN_CODE_NOT_PUT) return 'not-put';
    return code === PUT_RETURN_CODE_VALID_TO_UNDEFINED ? 'latest' : 'not-latest';
  }
}
