import type { StateStore } from '../../../state-stores/state-store.js';
import type { StoreBuilder } from '../../../state-stores/store-builder.js';
import type { AnyProcessorSupplier } from '../../processor/processor.js';
import type { StreamPartitioner, TopicNameExtractor } from '../../processor/sink-types.js';
import type { TimestampExtractor } from '../../processor/timestamp-extractor.js';
import type { Serde } from '../../serdes/serde.js';
import { TopologyError } from '../topology-error.js';
import type {
  GlobalStoreDefinition,
  NodeDefinition,
  RepartitionTopicDefinition,
} from './node-definitions.js';

/**
 * The graph of sources, processors, sinks and stores that both the DSL and the Processor API
 * write into. `compileSubtopologies` cuts it into sub-topologies.
 */
export class InternalTopologyBuilder {
  readonly nodes = new Map<string, NodeDefinition>();
  readonly stores = new Map<string, StoreBuilder<StateStore>>();
  readonly repartitionTopics = new Map<string, RepartitionTopicDefinition>();
  /** Nodes (joins) whose sub-topology's source topics must be co-partitioned. */
  readonly copartitionedNodes = new Set<string>();
  /** Global stores by store name: not part of any sub-topology's tasks. */
  readonly globalStores = new Map<string, GlobalStoreDefinition>();
  private readonly topicToSource = new Map<string, string>();
  addSource(
    name: string,
    topics: readonly string[],
    keySerde?: Serde<unknown>,
    valueSerde?: Serde<unknown>,
    timestampExtractor?: TimestampExtractor,
  ): void {
    if (topics.length === 0) throw new TopologyError(`source ${name} needs at least one topic`);
    this.checkNewName(name);
    this.claimTopics(name, topics);
    this.nodes.set(name, {
      kind: 'source',
      name,
      topics: [...topics],
      keySerde,
      valueSerde,
      timestampExtractor,
    });
  }

  /**
   * A global store fed by `processorName` from every partition of `topic` (Kafka Streams'
   * Topology.addGlobalStore). The topic is the store's changelog, so the store must not log.
   */
  addGlobalStore(
    store: StoreBuilder<StateStore>,
    sourceName: string,
    topic: string,
    keySerde: Serde<unknown> | undefined,
    valueSerde: Serde<unknown> | undefined,
    timestampExtractor: TimestampExtractor | undefined,
    processorName: string,
    supplier: AnyProcessorSupplier,
  ): void {
    if (store.loggingEnabled)
      throw new TopologyError(
        `global store ${store.name} must not have logging enabled: its topic ${topic} is its changelog; build it withLoggingDisabled()`,
      );
    if (this.stores.has(store.name) || this.globalStores.has(store.name))
      throw new TopologyError(`a state store named ${store.name} already exists`);
    this.checkNewName(sourceName);
    this.checkNewName(processorName);
    if (sourceName === processorName)
      throw new TopologyError(`global store ${store.name}: its source and processor need different names`);
    this.claimTopics(sourceName, [topic]);
    this.globalStores.set(store.name, {
      store,
      source: { kind: 'source', name: sourceName, topics: [topic], keySerde, valueSerde, timestampExtractor },
      processor: {
        kind: 'processor',
        name: processorName,
        parents: [sourceName],
        supplier,
        stores: [store.name],
      },
    });
  }

  /** The global store a source topic feeds, if any. */
  globalStoreOfTopic(topic: string): GlobalStoreDefinition | undefined {
    for (const global of this.globalStores.values()) if (global.source.topics[0] === topic) return global;
    return undefined;
  }

  addProcessor(name: string, supplier: AnyProcessorSupplier, parents: readonly string[]): void {
    this.checkNewName(name);
    this.checkParents(name, parents);
    this.nodes.set(name, { kind: 'processor', name, parents: [...parents], supplier, stores: [] });
    for (const store of supplier.stores?.() ?? []) {
      if (!this.stores.has(store.name)) this.addStateStore(store);
      this.connectProcessorAndStateStores(name, store.name);
    }
  }

  addSink(
    name: string,
    topic: string | TopicNameExtractor<unknown, unknown>,
    parents: readonly string[],
    keySerde?: Serde<unknown>,
    valueSerde?: Serde<unknown>,
    partitioner?: StreamPartitioner<unknown, unknown>,
  ): void {
    this.checkNewName(name);
    this.checkParents(name, parents);
    this.nodes.set(name, {
      kind: 'sink',
      name,
      parents: [...parents],
      topic,
      keySerde,
      valueSerde,
      partitioner,
    });
  }

  addStateStore(builder: StoreBuilder<StateStore>, ...processorNames: string[]): void {
    if (this.stores.has(builder.name) || this.globalStores.has(builder.name))
      throw new TopologyError(`a state store named ${builder.name} already exists`);
    this.stores.set(builder.name, builder);
    for (const processor of processorNames) this.connectProcessorAndStateStores(processor, builder.name);
  }

  connectProcessorAndStateStores(processorName: string, ...storeNames: string[]): void {
    const node = this.nodes.get(processorName);
    if (node?.kind !== 'processor') {
      throw new TopologyError(`cannot connect stores to ${processorName}: no processor has that name`);
    }
    for (const store of storeNames) {
      if (this.globalStores.has(store))
        throw new TopologyError(
          `processor ${processorName}: ${store} is a global store, which every processor can read without being connected to it; do not name it`,
        );
      if (!this.stores.has(store)) {
        throw new TopologyError(
          `processor ${processorName} uses state store ${store}, which is not in the topology; add it with addStateStore() or a supplier's stores()`,
        );
      }
      if (!node.stores.includes(store)) node.stores.push(store);
    }
  }

  addRepartitionTopic(name: string, partitions: number | undefined): void {
    this.repartitionTopics.set(name, { name, partitions });
  }

  /** The source topics of this node's sub-topology must have equal partition counts (checked at start). */
  markCopartitioned(nodeName: string): void {
    this.copartitionedNodes.add(nodeName);
  }

  isInternalTopic(topic: string): boolean {
    return this.repartitionTopics.has(topic);
  }

  sourceOfTopic(topic: string): string | undefined {
    return this.topicToSource.get(topic);
  }

  private claimTopics(sourceName: string, topics: readonly string[]): void {
    for (const topic of topics) {
      const owner = this.topicToSource.get(topic);
      if (owner)
        throw new TopologyError(
          `topic ${topic} is already read by source ${owner}; read it once and share the stream`,
        );
      this.topicToSource.set(topic, sourceName);
    }
  }

  private checkNewName(name: string): void {
    if (!name) throw new TopologyError('node names must not be empty');
    const global = [...this.globalStores.values()].some(
      (g) => g.source.name === name || g.processor.name === name,
    );
    if (this.nodes.has(name) || global)
      throw new TopologyError(`a node named ${name} already exists; names must be unique`);
  }

  private checkParents(name: string, parents: readonly string[]): void {
    if (parents.length === 0) throw new TopologyError(`${name} needs at least one parent node`);
    for (const parent of parents) {
      const node = this.nodes.get(parent);
      if (!node)
        throw new TopologyError(
          `${name} names parent ${parent}, which is not in the topology (add parents first)`,
        );
      if (node.kind === 'sink') throw new TopologyError(`${name} cannot have sink ${parent} as a parent`);
    }
  }
}
