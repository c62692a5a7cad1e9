import type { StateStore } from '../../state-stores/state-store.js';
import type { StoreBuilder } from '../../state-stores/store-builder.js';
import { globalStoreValueGetter } from '../processor/internals/value-getters.js';
import type { Serde } from '../serdes/serde.js';
import { Topology } from '../topology/topology.js';
import type { Consumed } from './consumed.js';
import { GlobalKTable } from './global-ktable.js';
import { StateStoreNode, StreamSourceNode } from './internals/graph/graph-node.js';
import { InternalStreamsBuilder } from './internals/graph/internal-streams-builder.js';
import { GlobalTableSourceNode, TableSourceNode } from './internals/graph/table-nodes.js';
import { keyValueStoreFor } from './internals/materialize.js';
import { KStream } from './kstream.js';
import { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';

/**
 * The entry point of the DSL: declare streams and tables, then `build()` the Topology. Operations
 * record a logical graph; build() writes it into the topology, deciding then which tables need a
 * store (named by Materialized, or read by a join or an aggregation).
 */
export class StreamsBuilder {
  private readonly graph = new InternalStreamsBuilder();
  private readonly topology = new Topology();

  stream<K, V>(topics: string | readonly string[], consumed?: Consumed<K, V>): KStream<K, V> {
    const name = this.graph.processorName(consumed?.name, 'KSTREAM-SOURCE');
    const keySerde = consumed?.keySerde as Serde<unknown> | undefined;
    const valueSerde = consumed?.valueSerde as Serde<unknown> | undefined;
    const node = this.graph.add(
      new StreamSourceNode(
        name,
        typeof topics === 'string' ? [topics] : topics,
        keySerde,
        valueSerde,
        consumed?.timestampExtractor,
      ),
    );
    return new KStream<K, V>(this.graph, node, keySerde, valueSerde);
  }

  /**
   * A topic read as a table (latest value per key). It has a store when Materialized names one, or
   * when a join or an aggregation needs the table's values (then with Materialized's options).
   */
  table<K, V>(topic: string, consumed?: Consumed<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    const storeName = materialized?.storeName ?? this.graph.newStoreName(topic);
    const keySerde = (materialized?.keySerde ?? consumed?.keySerde) as Serde<K> | undefined;
    const valueSerde = (materialized?.valueSerde ?? consumed?.valueSerde) as Serde<V> | undefined;
    const sourceName = this.graph.suffixedName(consumed?.name, '-source', 'KSTREAM-SOURCE');
    const tableName = this.graph.processorName(consumed?.name, 'KTABLE-SOURCE');
    const source = this.graph.add(
      new StreamSourceNode(
        sourceName,
        [topic],
        consumed?.keySerde as Serde<unknown> | undefined,
        consumed?.valueSerde as Serde<unknown> | undefined,
        consumed?.timestampExtractor,
      ),
    );
    const node = this.graph.add(
      new TableSourceNode<K, V>(tableName, source, storeName, keySerde, valueSerde, materialized),
    );
    return new KTable<K, V>(this.graph, node, keySerde as Serde<unknown>, valueSerde as Serde<unknown>);
  }

  /**
   * A topic read as a GlobalKTable: every instance holds all of it, restored before processing
   * starts and kept current outside the tasks. Its store is always kept (named by Materialized, or
   * generated), never logged (the topic is its changelog) and never cached; `Consumed`'s serdes
   * read it.
   */
  globalTable<K, V>(
    topic: string,
    consumed?: Consumed<K, V>,
    materialized?: Materialized<K, V>,
  ): GlobalKTable<K, V> {
    const storeName = materialized?.storeName ?? this.graph.newStoreName(topic);
    const keySerde = (consumed?.keySerde ?? materialized?.keySerde) as Serde<K> | undefined;
    const valueSerde = (consumed?.valueSerde ?? materialized?.valueSerde) as Serde<V> | undefined;
    const sourceName = this.graph.suffixedName(consumed?.name, '-source', 'KSTREAM-SOURCE');
    const processorName = this.graph.processorName(consumed?.name, 'KTABLE-SOURCE');
    const store = keyValueStoreFor(storeName, keySerde, valueSerde, materialized)
      .withLoggingDisabled()
      .withCachingDisabled();
    this.graph.add(
      new GlobalTableSourceNode<K, V>(
        sourceName,
        processorName,
        topic,
        store,
        keySerde,
        valueSerde,
        consumed?.timestampExtractor,
      ),
    );
    return new GlobalKTable<K, V>(globalStoreValueGetter<K, V>(storeName), materialized?.storeName ?? null);
  }

  /** A store for `process()` / `processValues()` to name. */
  addStateStore(builder: StoreBuilder<StateStore>): this {
    this.graph.add(new StateStoreNode(builder));
    return this;
  }

  /** Writes the operations declared so far into the topology (again after more are declared). */
  build(): Topology {
    this.graph.writeTo(this.topology.internal);
    return this.topology;
  }
}
