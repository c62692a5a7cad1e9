import type { KTableValueGetterSupplier } from '../processor/internals/value-getters.js';

/**
 * A table fully replicated on every instance (Kafka Streams' GlobalKTable): each instance reads
 * all partitions of its topic into a store of its own, restored before processing starts, and
 * keeps it current outside the group's tasks. Join a stream with it (`KStream.join(globalTable,
 * keySelector, joiner)`) by any key the stream's records carry: no co-partitioning, no repartition.
 */
export class GlobalKTable<K, V> {
  /** @internal */
  constructor(
    /** @internal */ readonly valueGetterSupplier: KTableValueGetterSupplier<K, V>,
    private readonly queryableName: string | null,
  ) {}

  /** The store's name when Materialized named it (then `streams.store(name)` reads it), else null. */
  queryableStoreName(): string | null {
    return this.queryableName;
  }
}
