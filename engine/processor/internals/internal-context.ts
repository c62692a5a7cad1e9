import type { ProcessorContext } from '../processor.js';

/** The runtime's node context as built-in processors see it. */
export type InternalProcessorContext<K, V> = ProcessorContext<K, V> & { recordDropped(reason: string): void };
