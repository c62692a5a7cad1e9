import type { StateStore } from '../../../state-stores/state-store.js';
import type { StoreBuilder } from '../../../state-stores/store-builder.js';
import type { AnyProcessorSupplier } from '../../processor/processor.js';
import type { StreamPartitioner, TopicNameExtractor } from '../../processor/sink-types.js';
import type { TimestampExtractor } from '../../processor/timestamp-extractor.js';
import type { Serde } from '../../serdes/serde.js';

export interface SourceDefinition {
  readonly kind: 'source';
  readonly name: string;
  /** Topic names as given; internal (repartition) topics without the application-id prefix. */
  readonly topics: readonly string[];
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  /** Consumed.withTimestampExtractor / SourceOptions; else the config's default. */
  readonly timestampExtractor: TimestampExtractor | undefined;
}

export interface ProcessorDefinition {
  readonly kind: 'processor';
  readonly name: string;
  readonly parents: readonly string[];
  readonly supplier: AnyProcessorSupplier;
  readonly stores: string[];
}

export interface SinkDefinition {
  readonly kind: 'sink';
  readonly name: string;
  readonly parents: readonly string[];
  readonly topic: string | TopicNameExtractor<unknown, unknown>;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  readonly partitioner: StreamPartitioner<unknown, unknown> | undefined;
}

export type NodeDefinition = SourceDefinition | ProcessorDefinition | SinkDefinition;

/**
 * A global store (Kafka Streams' addGlobalStore / GlobalKTable): every instance holds all of it,
 * fed from all partitions of one topic by its own processor, outside the group's tasks. The topic
 * is its changelog, so the store itself logs nothing.
 */
export interface GlobalStoreDefinition {
  readonly store: StoreBuilder<StateStore>;
  readonly source: SourceDefinition;
  readonly processor: ProcessorDefinition;
}

export interface RepartitionTopicDefinition {
  readonly name: string;
  /** Fixed by `Repartitioned.withNumberOfPartitions`; otherwise derived from upstream sources. */
  readonly partitions: number | undefined;
}
