import type { ProcessorContext } from '../processor.js';

/** The runtime's node context as built-in processors see it. */
export type InternalProcessorContext<K, V> = ProcessorContext<K, V> & { recordDropped(reason: string): void };

/**
 * Drops that are a join's normal work, not a problem with the input: an answer to an older value
 * (foreign-key joins) and an out-of-order update of a versioned table. Counted like any drop, but
 * logged at debug level only.
 */
export const ROUTINE_DROP_REASONS: ReadonlySet<string> = new Set([
  'stale-foreign-key-join-response',
  'out-of-order-versioned-update',
]);
