import type { Serde } from '../../serdes/serde.js';

/** A KTable update as it flows between table processors: the new and the previous value. */
export interface Change<V> {
  readonly newValue: V | null;
  readonly oldValue: V | null;
  /**
   * false for an out-of-order update of a versioned table (older than the key's latest version):
   * it went into the table's history, and joins and aggregations skip it (KIP-914). Absent: latest.
   */
  readonly isLatest?: boolean;
}

export function change<V>(newValue: V | null, oldValue: V | null, isLatest = true): Change<V> {
  return isLatest ? { newValue, oldValue } : { newValue, oldValue, isLatest: false };
}

/** An update a join or an aggregation over a versioned table skips (Kafka Streams' versioned semantics, KIP-914). */
export function isOutOfOrder(update: Change<unknown>): boolean {
  return update.isLatest === false;
}

/**
 * Serializes a Change on a repartition topic (KTable.groupBy): a flags byte (1 = new present,
 * 2 = old present), the new value's length (4 bytes), then the new and old value bytes.
 */
export function changeSerde<V>(inner: Serde<V>): Serde<Change<V>> {
  return {
    serialize(topic, data) {
      if (data === null) return null;
      const n = inner.serialize(topic, data.newValue);
      const o = inner.serialize(topic, data.oldValue);
      const out = Buffer.allocUnsafe(5 + (n?.length ?? 0) + (o?.length ?? 0));
      out.writeUInt8((n ? 1 : 0) | (o ? 2 : 0), 0);
      out.writeUInt32BE(n?.length ?? 0, 1);
      n?.copy(out, 5);
      o?.copy(out, 5 + (n?.length ?? 0));
      return out;
    },
    deserialize(topic, data) {
      if (data === null) return null;
      const flags = data.readUInt8(0);
      const newLength = data.readUInt32BE(1);
      const n = flags & 1 ? data.subarray(5, 5 + newLength) : null;
      const o = flags & 2 ? data.subarray(5 + newLength) : null;
      return change(inner.deserialize(topic, n), inner.deserialize(topic, o));
    },
  };
}

/**
 * A Change serde whose inner serde may still be the config's default, known only when a task
 * starts: the task calls `withDefault`.
 */
export interface DeferredSerde<T> extends Serde<T> {
  /** The full serde, or undefined when neither the inner serde nor a default is known. */
  withDefault(defaultSerde: Serde<unknown> | undefined): Serde<T> | undefined;
}

export function deferredChangeSerde<V>(inner: Serde<V> | undefined): Serde<Change<V>> {
  const fail = (): never => {
    throw new Error('internal: a deferred Change serde was used before the task resolved it');
  };
  const deferred: DeferredSerde<Change<V>> = {
    serialize: fail,
    deserialize: fail,
    withDefault: (defaultSerde) => {
      const resolved = (inner ?? defaultSerde) as Serde<V> | undefined;
      return resolved ? changeSerde(resolved) : undefined;
    },
  };
  return deferred;
}

export function isDeferredSerde<T>(serde: Serde<T>): serde is DeferredSerde<T> {
  return typeof (serde as Partial<DeferredSerde<T>>).withDefault === 'function';
}
