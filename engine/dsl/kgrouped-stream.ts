import {
  streamAggregateSupplier,
  streamReduceSupplier,
} from '../processor/internals/aggregate-processors.js';
import type { ProcessorSupplier } from '../processor/processor.js';
import type { Serde } from '../serdes/serde.js';
import { Serdes } from '../serdes/serdes.js';
import { addMaterializedTable } from './internals/materialized-table.js';
import { insertRepartition, type StreamNode } from './internals/stream-node.js';
import type { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import { TimeWindowedKStream } from './time-windowed-kstream.js';
import type { TimeWindows } from './time-windows.js';

/**
 * A stream grouped by key, ready to aggregate into a KTable. Records with a null key or value are
 * skipped (and counted as dropped), as in Kafka Streams.
 */
export class KGroupedStream<K, V> {
  /** @internal */
  constructor(
    private readonly stream: StreamNode,
    private readonly keySerde: Serde<unknown> | undefined,
    private readonly valueSerde: Serde<unknown> | undefined,
    private readonly groupName: string | undefined,
  ) {}

  count(materialized?: Materialized<K, number>): KTable<K, number> {
    return this.aggregate(
      () => 0,
      (_key, _value, count) => count + 1,
      materialized,
      Serdes.Long(),
    );
  }

  reduce(reducer: (aggregate: V, value: V) => V, materialized?: Materialized<K, V>): KTable<K, V> {
    const storeName = this.storeName(materialized);
    return this.materialize(
      storeName,
      streamReduceSupplier<K, V>(storeName, reducer),
      materialized,
      this.valueSerde as Serde<V>,
    );
  }

  aggregate<VAgg>(
    initializer: () => VAgg,
    aggregator: (key: K, value: V, aggregate: VAgg) => VAgg,
    materialized?: Materialized<K, VAgg>,
    defaultValueSerde?: Serde<VAgg>,
  ): KTable<K, VAgg> {
    const storeName = this.storeName(materialized);
    return this.materialize(
      storeName,
      streamAggregateSupplier<K, V, VAgg>(storeName, initializer, aggregator),
      materialized,
      defaultValueSerde,
    );
  }

  /** Cuts the grouped stream into time windows; aggregations then produce one row per key and window. */
  windowedBy(windows: TimeWindows): TimeWindowedKStream<K, V> {
    return new TimeWindowedKStream<K, V>(
      this.stream,
      windows,
      this.keySerde,
      this.valueSerde,
      this.groupName,
    );
  }

  private storeName(materialized: Materialized<K, unknown> | undefined): string {
    return materialized?.storeName ?? this.stream.builder.newName('KSTREAM-AGGREGATE-STATE-STORE');
  }

  private materialize<VAgg>(
    storeName: string,
    supplier: ProcessorSupplier<K, never, K, unknown>,
    materialized: Materialized<K, VAgg> | undefined,
    defaultValueSerde: Serde<VAgg> | undefined,
  ): KTable<K, VAgg> {
    const { builder } = this.stream;
    const parent = this.stream.repartitionRequired
      ? insertRepartition(this.stream, this.groupName ?? storeName, this.keySerde, this.valueSerde)
      : this.stream.nodeName;
    return addMaterializedTable<K, VAgg>(
      builder,
      builder.newName('KSTREAM-AGGREGATE'),
      parent,
      storeName,
      supplier,
      (materialized?.keySerde ?? this.keySerde) as Serde<K> | undefined,
      materialized?.valueSerde ?? defaultValueSerde,
      materialized,
    );
  }
}
