import { InternalSerde } from '../engine/serdes/internal-serde.js';
import type { Serde } from '../engine/serdes/serde.js';
import type { KeyValueStore } from './key-value-store.js';
import { KeyValueStoreBuilder } from './key-value-store-builder.js';
import { MeteredKeyValueStore } from './key-value-store-impl.js';
import { DEFAULT_STORE_OPTIONS, type SerdeDefaults, type StoreOptions } from './store-builder.js';

/**
 * One key's updates held by KTable.suppress (Kafka Streams' BufferValue): the value downstream saw
 * last (`prior`, before the first held update), the latest value, and when the key may go.
 */
export interface BufferedChange<V> {
  /** The key's place in the buffer (its window's end, or its first held update's time); never moves. */
  readonly bufferTimeMs: number;
  /** The latest held update's timestamp: what the emitted record carries. */
  readonly timestampMs: number;
  readonly prior: V | null;
  readonly value: V | null;
}

export type SuppressionBufferStore<K, V> = KeyValueStore<K, BufferedChange<V>>;

const HEADER = 17;

/** 8-byte buffer time, 8-byte timestamp, a flags byte (1: prior present, 2: value present), 4-byte prior length, prior, value. */
function bufferedChangeSerde<V>(inner: Serde<V>): Serde<BufferedChange<V>> {
  return {
    serialize(topic, data) {
      if (data === null) return null;
      const prior = data.prior === null ? null : inner.serialize(topic, data.prior);
      const value = data.value === null ? null : inner.serialize(topic, data.value);
      const head = Buffer.allocUnsafe(HEADER + 4);
      head.writeBigInt64BE(BigInt(data.bufferTimeMs), 0);
      head.writeBigInt64BE(BigInt(data.timestampMs), 8);
      head[16] = (prior ? 1 : 0) | (value ? 2 : 0);
      head.writeUInt32BE(prior?.length ?? 0, HEADER);
      return Buffer.concat([head, prior ?? Buffer.alloc(0), value ?? Buffer.alloc(0)]);
    },
    deserialize(topic, data) {
      if (data === null) return null;
      const flags = data[16]!;
      const priorLength = data.readUInt32BE(HEADER);
      const priorEnd = HEADER + 4 + priorLength;
      return {
        bufferTimeMs: Number(data.readBigInt64BE(0)),
        timestampMs: Number(data.readBigInt64BE(8)),
        prior: flags & 1 ? inner.deserialize(topic, data.subarray(HEADER + 4, priorEnd)) : null,
        value: flags & 2 ? inner.deserialize(topic, data.subarray(priorEnd)) : null,
      };
    },
  };
}

/**
 * The store behind KTable.suppress (Kafka Streams' in-memory time-ordered buffer): in memory,
 * logged so that held updates survive a crash, never cached. An internal store: without the
 * table's serdes it uses the self-describing internal serde (a windowed key would not fit the
 * configured default key serde).
 */
export class SuppressionBufferBuilder<K, V> extends KeyValueStoreBuilder<K, BufferedChange<V>> {
  /** @internal */
  constructor(
    name: string,
    private readonly tableKeySerde: Serde<K> | undefined,
    private readonly tableValueSerde: Serde<V> | undefined,
    options: StoreOptions = DEFAULT_STORE_OPTIONS,
  ) {
    super(name, undefined, undefined, options);
  }

  override build(_defaults?: SerdeDefaults): SuppressionBufferStore<K, V> {
    const keySerde = this.tableKeySerde ?? (InternalSerde as Serde<K>);
    const valueSerde = bufferedChangeSerde(this.tableValueSerde ?? (InternalSerde as Serde<V>));
    return new MeteredKeyValueStore(
      this.name,
      keySerde,
      valueSerde,
      this.options.loggingEnabled,
      false,
      false,
      false,
    );
  }

  /** @internal */
  protected override copy(options: StoreOptions): SuppressionBufferBuilder<K, V> {
    return new SuppressionBufferBuilder(this.name, this.tableKeySerde, this.tableValueSerde, options);
  }
}
