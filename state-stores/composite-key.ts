const TWO_32 = 4294967296;

/**
 * Keys of window and session stores: the serialized key followed by big-endian 64-bit timestamps,
 * so one key's entries sort by time and a key's entries are contiguous (as Kafka Streams' layouts).
 */
export function compositeKey(key: Buffer, ...timestamps: number[]): Buffer {
  const out = Buffer.allocUnsafe(key.length + 8 * timestamps.length);
  key.copy(out, 0);
  timestamps.forEach((ts, i) => {
    const high = Math.floor(ts / TWO_32);
    out.writeInt32BE(high, key.length + 8 * i);
    out.writeUInt32BE(ts - high * TWO_32, key.length + 8 * i + 4);
  });
  return out;
}

/** Splits a composite key into the serialized key and its `count` trailing timestamps. */
export function splitCompositeKey(composite: Buffer, count: number): { key: Buffer; timestamps: number[] } {
  const keyLength = composite.length - 8 * count;
  const timestamps = [];
  for (let i = 0; i < count; i++) {
    const at = keyLength + 8 * i;
    timestamps.push(composite.readInt32BE(at) * TWO_32 + composite.readUInt32BE(at + 4));
  }
  return { key: composite.subarray(0, keyLength), timestamps };
}

/** Largest timestamp the layout holds, for open upper bounds. */
export const MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER;
