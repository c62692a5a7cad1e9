import type { Serde } from '../engine/serdes/serde.js';
import type { KeyValueStore } from './key-value-store.js';
import { KeyValueStoreBuilder } from './key-value-store-builder.js';
import { MeteredKeyValueStore } from './key-value-store-impl.js';
import { DEFAULT_STORE_OPTIONS, type SerdeDefaults, type StoreOptions } from './store-builder.js';

/** A stream-stream join record not joined yet: its key, timestamp and side (Kafka Streams' TimestampedKeyAndJoinSide). */
export interface TimestampedKeyAndJoinSide<K> {
  readonly key: K;
  readonly timestampMs: number;
  readonly leftSide: boolean;
}

/** The record's value on its side (Kafka Streams' LeftOrRightValue). */
export interface LeftOrRightValue<VL, VR> {
  readonly left: VL | null;
  readonly right: VR | null;
}

/** The outer-join store holds every not-yet-joined record of a key, timestamp and side, in order. */
export type OuterJoinStore<K, VL, VR> = KeyValueStore<
  TimestampedKeyAndJoinSide<K>,
  LeftOrRightValue<VL, VR>[]
>;

const HEADER = 9;

/**
 * Kafka Streams' key layout: 8-byte big-endian timestamp, one byte (1 = left), the key's bytes; so
 * the store iterates by time first, right before left at equal times, as Kafka Streams' does.
 */
function keySerde<K>(inner: Serde<K>): Serde<TimestampedKeyAndJoinSide<K>> {
  return {
    serialize(topic, data) {
      if (data === null) return null;
      const key = inner.serialize(topic, data.key) ?? Buffer.alloc(0);
      const out = Buffer.allocUnsafe(HEADER + key.length);
      out.writeBigInt64BE(BigInt(data.timestampMs), 0);
      out[8] = data.leftSide ? 1 : 0;
      key.copy(out, HEADER);
      return out;
    },
    deserialize(topic, data) {
      if (data === null) return null;
      return {
        timestampMs: Number(data.readBigInt64BE(0)),
        leftSide: data[8] === 1,
        key: inner.deserialize(topic, data.subarray(HEADER)) as K,
      };
    },
  };
}

/** A list of side-tagged values: per entry one side byte, a 4-byte length, the value's bytes. */
function valuesSerde<VL, VR>(left: Serde<VL>, right: Serde<VR>): Serde<LeftOrRightValue<VL, VR>[]> {
  return {
    serialize(topic, data) {
      if (data === null) return null;
      const parts = data.map((v) => {
        const bytes =
          (v.left !== null ? left.serialize(topic, v.left) : right.serialize(topic, v.right)) ??
          Buffer.alloc(0);
        const head = Buffer.allocUnsafe(5);
        head[0] = v.left !== null ? 1 : 0;
        head.writeUInt32BE(bytes.length, 1);
        return Buffer.concat([head, bytes]);
      });
      return Buffer.concat(parts);
    },
    deserialize(topic, data) {
      if (data === null) return null;
      const values: LeftOrRightValue<VL, VR>[] = [];
      for (let at = 0; at < data.length; ) {
        const isLeft = data[at] === 1;
        const length = data.readUInt32BE(at + 1);
        const bytes = data.subarray(at + 5, at + 5 + length);
        at += 5 + length;
        values.push(
          isLeft
            ? { left: left.deserialize(topic, bytes), right: null }
            : { left: null, right: right.deserialize(topic, bytes) },
        );
      }
      return values;
    },
  };
}

/**
 * The store of a left or outer stream-stream join's records that found no partner yet (Kafka
 * Streams' "-shared-join-store"): logged, not cached, built with the join's serdes or the defaults.
 */
export class OuterJoinStoreBuilder<K, VL, VR> extends KeyValueStoreBuilder<
  TimestampedKeyAndJoinSide<K>,
  LeftOrRightValue<VL, VR>[]
> {
  /** @internal */
  constructor(
    name: string,
    private readonly joinKeySerde: Serde<K> | undefined,
    private readonly leftSerde: Serde<VL> | undefined,
    private readonly rightSerde: Serde<VR> | undefined,
    options: StoreOptions = DEFAULT_STORE_OPTIONS,
  ) {
    super(name, undefined, undefined, options);
  }

  override build(defaults?: SerdeDefaults): OuterJoinStore<K, VL, VR> {
    const kind = 'stream-stream join store';
    const key = this.joinKeySerde ?? (defaults?.keySerde as Serde<K> | undefined);
    const left = this.requireSerdes(
      kind,
      key,
      this.leftSerde ?? (defaults?.valueSerde as Serde<VL> | undefined),
    );
    const right = this.requireSerdes(
      kind,
      key,
      this.rightSerde ?? (defaults?.valueSerde as Serde<VR> | undefined),
    );
    const { loggingEnabled, storeType } = this.options;
    return new MeteredKeyValueStore(
      this.name,
      keySerde(left.keySerde),
      valuesSerde(left.valueSerde, right.valueSerde),
      loggingEnabled,
      false,
      storeType === 'persistent',
      false,
    );
  }

  /** @internal */
  protected override copy(options: StoreOptions): OuterJoinStoreBuilder<K, VL, VR> {
    return new OuterJoinStoreBuilder(this.name, this.joinKeySerde, this.leftSerde, this.rightSerde, options);
  }
}
