/**
 * Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), so keys land on the partitions
 * where Java producers and Kafka Streams put them.
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ length) | 0;
  const fours = length >> 2;
  for (let i = 0; i < fours; i++) {
    const o = i << 2;
    let k =
      (data[o]! & 0xff) |
      ((data[o + 1]! & 0xff) << 8) |
      ((data[o + 2]! & 0xff) << 16) |
      ((data[o + 3]! & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = fours << 2;
  const rest = length & 3;
  if (rest === 3) h ^= (data[tail + 2]! & 0xff) << 16;
  if (rest >= 2) h ^= (data[tail + 1]! & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[tail]! & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's default partitioner picks for a serialized key. */
export function partitionForKey(keyBytes: Uint8Array, numPartitions: number): number {
  return (murmur2(keyBytes) & 0x7fffffff) % numPartitions;
}
