import type { Serde } from '../engine/serdes/serde.js';
import { InMemoryKeyValueBytesStore } from './in-memory-key-value-bytes-store.js';
import type { KeyValueBytesStore } from './key-value-bytes-store.js';
import { LmdbKeyValueBytesStore } from './lmdb-key-value-bytes-store.js';
import type { ChangeLogger, StateStoreContext } from './state-store.js';
import {
  PUT_RETURN_CODE_NOT_PUT,
  PUT_RETURN_CODE_VALID_TO_UNDEFINED,
  type VersionedKeyValueStore,
  type VersionedRecord,
} from './versioned-key-value-store.js';

/** One version as stored: its timestamp and value bytes (null: a delete). */
interface Version {
  readonly timestampMs: number;
  readonly value: Buffer | null;
}

/**
 * A versioned key-value store over a bytes backend (in memory or LMDB): each key's versions, oldest
 * first, in one entry. A version stays while a query within the history retention can reach it
 * (its successor is newer than stream time − retention); the latest always stays. Every put goes to
 * the changelog as a record with the version's timestamp (a delete as a tombstone), and a restore
 * replays them as puts, so the store comes back version for version. Stream time is the largest
 * timestamp put; a store restored from its checkpoint starts without one (Kafka Streams' does too)
 * and so takes any put until the next record.
 */
export class VersionedKeyValueStoreImpl<K, V> implements VersionedKeyValueStore<K, V> {
  private backend: KeyValueBytesStore = new InMemoryKeyValueBytesStore();
  private logger: ChangeLogger | null = null;
  private observedStreamTimeMs = -1;
  private open = false;

  constructor(
    readonly name: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    readonly historyRetentionMs: number,
    private readonly loggingEnabled: boolean,
    readonly persistent: boolean,
  ) {}

  init(context: StateStoreContext): void {
    if (this.persistent) this.backend = new LmdbKeyValueBytesStore(context.storeDirectory(this.name));
    this.logger = context.register(
      this,
      (key, value, timestampMs) => this.putBytes(key, value, timestampMs),
      this.loggingEnabled,
    );
    this.open = true;
  }

  put(key: K, value: V | null, timestampMs: number): number {
    const keyBytes = this.keyBytes(key);
    const valueBytes = value === null ? null : this.valueSerde.serialize(this.name, value);
    const code = this.putBytes(keyBytes, valueBytes, timestampMs);
    if (code !== PUT_RETURN_CODE_NOT_PUT) this.logger?.(keyBytes, valueBytes, timestampMs);
    return code;
  }

  delete(key: K, timestampMs: number): VersionedRecord<V> | null {
    if (timestampMs < this.observedStreamTimeMs - this.historyRetentionMs) return null;
    const existing = this.get(key, timestampMs);
    this.put(key, null, timestampMs);
    return existing;
  }

  get(key: K, asOfTimestampMs?: number): VersionedRecord<V> | null {
    const versions = this.versions(this.keyBytes(key));
    if (versions.length === 0) return null;
    if (asOfTimestampMs === undefined) return this.record(versions, versions.length - 1);
    const latest = versions[versions.length - 1]!;
    // Beyond the history retention only the latest version answers (it never expires).
    if (asOfTimestampMs < this.observedStreamTimeMs - this.historyRetentionMs)
      return latest.timestampMs <= asOfTimestampMs ? this.record(versions, versions.length - 1) : null;
    for (let i = versions.length - 1; i >= 0; i--) {
      if (versions[i]!.timestampMs <= asOfTimestampMs) return this.record(versions, i);
    }
    return null;
  }

  flush(): void {
    this.backend.flush();
  }

  wipe(): void {
    this.backend.clear();
    this.observedStreamTimeMs = -1;
  }

  close(): void {
    this.backend.close();
    this.open = false;
  }

  isOpen(): boolean {
    return this.open;
  }

  /** Adds a version (also what a restore replays): Kafka Streams' RocksDBVersionedStore.put. */
  private putBytes(key: Buffer, value: Buffer | null, timestampMs: number): number {
    if (timestampMs < this.observedStreamTimeMs - this.historyRetentionMs) return PUT_RETURN_CODE_NOT_PUT;
    if (timestampMs > this.observedStreamTimeMs) this.observedStreamTimeMs = timestampMs;
    const versions = this.versions(key);
    let at = versions.length;
    while (at > 0 && versions[at - 1]!.timestampMs > timestampMs) at--;
    const replaces = at > 0 && versions[at - 1]!.timestampMs === timestampMs;
    if (replaces) versions[at - 1] = { timestampMs, value };
    else versions.splice(at, 0, { timestampMs, value });
    const index = replaces ? at - 1 : at;
    const validToMs =
      index === versions.length - 1 ? PUT_RETURN_CODE_VALID_TO_UNDEFINED : versions[index + 1]!.timestampMs;
    this.backend.put(key, encode(this.prune(versions)));
    return validToMs;
  }

  /** Drops the versions no query within the retention can reach; a lone old delete drops the key. */
  private prune(versions: Version[]): Version[] {
    const horizon = this.observedStreamTimeMs - this.historyRetentionMs;
    let first = 0;
    while (first < versions.length - 1 && versions[first + 1]!.timestampMs <= horizon) first++;
    const kept = versions.slice(first);
    const only = kept[0]!;
    return kept.length === 1 && only.value === null && only.timestampMs < horizon ? [] : kept;
  }

  private versions(key: Buffer): Version[] {
    const bytes = this.backend.get(key);
    return bytes === null ? [] : decode(bytes);
  }

  private record(versions: readonly Version[], index: number): VersionedRecord<V> | null {
    const version = versions[index]!;
    if (version.value === null) return null;
    const value = this.valueSerde.deserialize(this.name, version.value) as V;
    const next = versions[index + 1];
    return next === undefined
      ? { value, timestampMs: version.timestampMs }
      : { value, timestampMs: version.timestampMs, validToMs: next.timestampMs };
  }

  private keyBytes(key: K): Buffer {
    const bytes = this.keySerde.serialize(this.name, key);
    if (bytes === null) throw new Error(`versioned store ${this.name}: the key must not be null`);
    return bytes;
  }
}

/** A key's versions: a count, then per version its timestamp (8 bytes), length (4, -1: a delete) and bytes. */
function encode(versions: readonly Version[]): Buffer | null {
  if (versions.length === 0) return null;
  let size = 4;
  for (const v of versions) size += 12 + (v.value?.length ?? 0);
  const out = Buffer.allocUnsafe(size);
  out.writeUInt32BE(versions.length, 0);
  let at = 4;
  for (const v of versions) {
    out.writeBigInt64BE(BigInt(v.timestampMs), at);
    out.writeInt32BE(v.value === null ? -1 : v.value.length, at + 8);
    at += 12;
    if (v.value !== null) {
      v.value.copy(out, at);
      at += v.value.length;
    }
  }
  return out;
}

function decode(bytes: Buffer): Version[] {
  const count = bytes.readUInt32BE(0);
  const versions: Version[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    const timestampMs = Number(bytes.readBigInt64BE(at));
    const length = bytes.readInt32BE(at + 8);
    at += 12;
    versions.push({ timestampMs, value: length < 0 ? null : bytes.subarray(at, at + length) });
    if (length > 0) at += length;
  }
  return versions;
}
