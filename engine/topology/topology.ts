import type { StateStore } from '../../state-stores/state-store.js';
import type { StoreBuilder } from '../../state-stores/store-builder.js';
import type { ProcessorSupplier } from '../processor/processor.js';
import type { StreamPartitioner, TopicNameExtractor } from '../processor/sink-types.js';
import type { TimestampExtractor } from '../processor/timestamp-extractor.js';
import type { Serde } from '../serdes/serde.js';
import { InternalTopologyBuilder } from './internals/internal-topology-builder.js';
import { TopologyDescription } from './topology-description.js';

export interface SourceOptions<K, V> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
  /** Event time of each record (default: the config's defaultTimestampExtractor, else the record's timestamp). */
  timestampExtractor?: TimestampExtractor;
}

export interface SinkOptions<K, V> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
  partitioner?: StreamPartitioner<K, V>;
}

/**
 * A processing graph, built with the DSL (`StreamsBuilder.build()`) or node by node with the
 * Processor API, as in Kafka Streams. Run it with `KafkaStreams` or `TopologyTestDriver`.
 */
export class Topology {
  /** @internal */
  readonly internal = new InternalTopologyBuilder();

  addSource<K, V>(name: string, topics: string | readonly string[], options: SourceOptions<K, V> = {}): this {
    this.internal.addSource(
      name,
      typeof topics === 'string' ? [topics] : topics,
      options.keySerde as Serde<unknown> | undefined,
      options.valueSerde as Serde<unknown> | undefined,
      options.timestampExtractor,
    );
    return this;
  }

  addProcessor<KIn, VIn, KOut, VOut>(
    name: string,
    supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>,
    ...parentNames: string[]
  ): this {
    this.internal.addProcessor(name, supplier, parentNames);
    return this;
  }

  addSink<K, V>(
    name: string,
    topic: string | TopicNameExtractor<K, V>,
    options: SinkOptions<K, V>,
    ...parentNames: string[]
  ): this {
    this.internal.addSink(
      name,
      topic as string | TopicNameExtractor<unknown, unknown>,
      parentNames,
      options.keySerde as Serde<unknown> | undefined,
      options.valueSerde as Serde<unknown> | undefined,
      options.partitioner as StreamPartitioner<unknown, unknown> | undefined,
    );
    return this;
  }

  addStateStore(builder: StoreBuilder<StateStore>, ...processorNames: string[]): this {
    this.internal.addStateStore(builder, ...processorNames);
    return this;
  }

  /**
   * A global store every instance holds whole (Kafka Streams' addGlobalStore): `processorName`'s
   * processor is fed every partition of `topic` and keeps the store; any processor may read it
   * without being connected. The topic is the store's changelog, so the store must not log.
   */
  addGlobalStore<K, V>(
    store: StoreBuilder<StateStore>,
    sourceName: string,
    options: SourceOptions<K, V>,
    topic: string,
    processorName: string,
    supplier: ProcessorSupplier<K, V, void, void>,
  ): this {
    this.internal.addGlobalStore(
      store,
      sourceName,
      topic,
      options.keySerde as Serde<unknown> | undefined,
      options.valueSerde as Serde<unknown> | undefined,
      options.timestampExtractor,
      processorName,
      supplier,
    );
    return this;
  }

  connectProcessorAndStateStores(processorName: string, ...storeNames: string[]): this {
    this.internal.connectProcessorAndStateStores(processorName, ...storeNames);
    return this;
  }

  describe(): TopologyDescription {
    return new TopologyDescription(this.internal);
  }
}
