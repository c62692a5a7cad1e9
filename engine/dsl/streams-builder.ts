import type { StateStore } from '../../state-stores/state-store.js';
import type { StoreBuilder } from '../../state-stores/store-builder.js';
import { tableSourceSupplier } from '../processor/internals/aggregate-processors.js';
import type { Serde } from '../serdes/serde.js';
import { Topology } from '../topology/topology.js';
import type { Consumed } from './consumed.js';
import { addMaterializedTable } from './internals/materialized-table.js';
import { KStream } from './kstream.js';
import type { KTable } from './ktable.js';
import { Materialized } from './materialized.js';

/** The entry point of the DSL: declare streams and tables, then `build()` the Topology. */
export class StreamsBuilder {
  private readonly topology = new Topology();

  stream<K, V>(topics: string | readonly string[], consumed?: Consumed<K, V>): KStream<K, V> {
    const builder = this.topology.internal;
    const name = consumed?.name ?? builder.newName('KSTREAM-SOURCE');
    builder.addSource(
      name,
      typeof topics === 'string' ? [topics] : topics,
      consumed?.keySerde as Serde<unknown> | undefined,
      consumed?.valueSerde as Serde<unknown> | undefined,
    );
    return new KStream<K, V>(
      builder,
      name,
      consumed?.keySerde as Serde<unknown>,
      consumed?.valueSerde as Serde<unknown>,
      false,
    );
  }

  /** A topic read as a table (latest value per key), materialized in a store. */
  table<K, V>(topic: string, consumed?: Consumed<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    const builder = this.topology.internal;
    const keySerde = (materialized?.keySerde ?? consumed?.keySerde) as Serde<K> | undefined;
    const valueSerde = (materialized?.valueSerde ?? consumed?.valueSerde) as Serde<V> | undefined;
    const sourceName = consumed?.name ?? builder.newName('KSTREAM-SOURCE');
    builder.addSource(
      sourceName,
      [topic],
      consumed?.keySerde as Serde<unknown>,
      consumed?.valueSerde as Serde<unknown>,
    );
    const storeName = materialized?.storeName ?? builder.newName(`${topic}-STATE-STORE`);
    return addMaterializedTable(
      builder,
      builder.newName('KTABLE-SOURCE'),
      sourceName,
      storeName,
      tableSourceSupplier<K, V>(storeName),
      keySerde,
      valueSerde,
      // Kafka Streams does not cache a table nobody materialized: every update flows on at once.
      materialized ?? Materialized.with<K, V>(keySerde, valueSerde).withCachingDisabled(),
    );
  }

  /** A store for `process()` / `processValues()` to name. */
  addStateStore(builder: StoreBuilder<StateStore>): this {
    this.topology.internal.addStateStore(builder);
    return this;
  }

  build(): Topology {
    return this.topology;
  }
}
