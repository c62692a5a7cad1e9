import type { TopicPartition } from './ports.js';

/** A Map key for a topic-partition (topic names cannot contain NUL). */
export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}
