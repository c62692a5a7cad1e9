import type { RecordMetadata } from './processor.js';

/** Picks the output topic per record (`KStream.to(extractor)`). */
export type TopicNameExtractor<K, V> = (key: K, value: V, context: RecordMetadata | null) => string;

/** Picks the output partition; undefined falls back to murmur2 of the serialized key. */
export type StreamPartitioner<K, V> = (
  topic: string,
  key: K,
  value: V,
  numPartitions: number,
) => number | undefined;
