import type { KeyValue } from '../../state-stores/key-value-store.js';
import { tableSourceSupplier } from '../processor/internals/aggregate-processors.js';
import { streamTableJoinSupplier } from '../processor/internals/join-processors.js';
import {
  filterSupplier,
  flatMapSupplier,
  flatMapValuesSupplier,
  mapSupplier,
  mapValuesSupplier,
  passThroughSupplier,
  peekSupplier,
  selectKeySupplier,
} from '../processor/internals/stream-processors.js';
import type { FixedKeyProcessorSupplier, ProcessorSupplier } from '../processor/processor.js';
import type { StreamPartitioner, TopicNameExtractor } from '../processor/sink-types.js';
import type { Serde } from '../serdes/serde.js';
import { TopologyError } from '../topology/topology-error.js';
import { BranchedKStream } from './branched-kstream.js';
import type { Grouped } from './grouped.js';
import { addMaterializedTable } from './internals/materialized-table.js';
import { addProcessorNode, insertRepartition, type StreamNode } from './internals/stream-node.js';
import type { Joined } from './joined.js';
import { KGroupedStream } from './kgrouped-stream.js';
import type { KTable } from './ktable.js';
import { Materialized } from './materialized.js';
import type { Named } from './named.js';
import type { Produced } from './produced.js';
import type { Repartitioned } from './repartitioned.js';

/** A record stream: every record is an independent event. Mirrors Kafka Streams' KStream. */
export class KStream<K, V> {
  /** @internal */
  constructor(
    /** @internal */ readonly builder: StreamNode['builder'],
    /** @internal */ readonly nodeName: string,
    /** @internal */ readonly keySerde: Serde<unknown> | undefined,
    /** @internal */ readonly valueSerde: Serde<unknown> | undefined,
    /** @internal */ readonly repartitionRequired: boolean,
  ) {}

  filter(predicate: (key: K, value: V) => boolean, named?: Named): KStream<K, V> {
    return this.child('KSTREAM-FILTER', filterSupplier(predicate, false), named, this.repartitionRequired);
  }

  filterNot(predicate: (key: K, value: V) => boolean, named?: Named): KStream<K, V> {
    return this.child('KSTREAM-FILTER', filterSupplier(predicate, true), named, this.repartitionRequired);
  }

  /** New key and value: marks the stream for repartitioning before the next grouping. */
  map<K2, V2>(mapper: (key: K, value: V) => KeyValue<K2, V2>, named?: Named): KStream<K2, V2> {
    return this.child('KSTREAM-MAP', mapSupplier(mapper), named, true, null, null);
  }

  mapValues<V2>(mapper: (value: V, key: K) => V2, named?: Named): KStream<K, V2> {
    return this.child(
      'KSTREAM-MAPVALUES',
      mapValuesSupplier(mapper),
      named,
      this.repartitionRequired,
      undefined,
      null,
    );
  }

  flatMap<K2, V2>(mapper: (key: K, value: V) => Iterable<KeyValue<K2, V2>>, named?: Named): KStream<K2, V2> {
    return this.child('KSTREAM-FLATMAP', flatMapSupplier(mapper), named, true, null, null);
  }

  flatMapValues<V2>(mapper: (value: V, key: K) => Iterable<V2>, named?: Named): KStream<K, V2> {
    return this.child(
      'KSTREAM-FLATMAPVALUES',
      flatMapValuesSupplier(mapper),
      named,
      this.repartitionRequired,
      undefined,
      null,
    );
  }

  selectKey<K2>(selector: (key: K, value: V) => K2, named?: Named): KStream<K2, V> {
    return this.child('KSTREAM-KEY-SELECT', selectKeySupplier(selector), named, true, null);
  }

  peek(action: (key: K, value: V) => void, named?: Named): KStream<K, V> {
    return this.child('KSTREAM-PEEK', peekSupplier(action, true), named, this.repartitionRequired);
  }

  /** A terminal operation: runs `action` per record. */
  foreach(action: (key: K, value: V) => void, named?: Named): void {
    addProcessorNode(this, 'KSTREAM-FOREACH', peekSupplier(action, false), named?.name);
  }

  /** Starts a split into branches: `.branch(predicate)`... then `.defaultBranch()` or `.noDefaultBranch()`. */
  split(named?: Named): BranchedKStream<K, V> {
    return new BranchedKStream(this, named?.name);
  }

  merge(other: KStream<K, V>, named?: Named): KStream<K, V> {
    const name = named?.name ?? this.builder.newName('KSTREAM-MERGE');
    this.builder.addProcessor(name, passThroughSupplier(), [this.nodeName, other.nodeName]);
    return new KStream(
      this.builder,
      name,
      this.keySerde,
      this.valueSerde,
      this.repartitionRequired || other.repartitionRequired,
    );
  }

  /** Writes to a topic, or to the topic `extractor` picks per record. */
  to(
    topic: string | TopicNameExtractor<K, V>,
    produced?: Produced<K, V> | Produced<NonNullable<K>, NonNullable<V>>,
  ): void {
    const name = produced?.name ?? this.builder.newName('KSTREAM-SINK');
    this.builder.addSink(
      name,
      topic as string | TopicNameExtractor<unknown, unknown>,
      [this.nodeName],
      (produced?.keySerde ?? this.keySerde) as Serde<unknown> | undefined,
      (produced?.valueSerde ?? this.valueSerde) as Serde<unknown> | undefined,
      produced?.partitioner as StreamPartitioner<unknown, unknown> | undefined,
    );
  }

  /** Sends the stream through `<applicationId>-<name>-repartition`, partitioned by key. */
  repartition(repartitioned?: Repartitioned<K, V>): KStream<K, V> {
    const keySerde = (repartitioned?.keySerde ?? this.keySerde) as Serde<unknown> | undefined;
    const valueSerde = (repartitioned?.valueSerde ?? this.valueSerde) as Serde<unknown> | undefined;
    const baseName = repartitioned?.name ?? this.builder.newName('KSTREAM-REPARTITION');
    const source = insertRepartition(
      this,
      baseName,
      keySerde,
      valueSerde,
      repartitioned?.numberOfPartitions,
      repartitioned?.partitioner as StreamPartitioner<unknown, unknown> | undefined,
    );
    return new KStream(this.builder, source, keySerde, valueSerde, false);
  }

  groupByKey(grouped?: Grouped<K, V>): KGroupedStream<K, V> {
    return new KGroupedStream(
      this,
      grouped?.keySerde ?? this.keySerde,
      grouped?.valueSerde ?? this.valueSerde,
      grouped?.name,
    );
  }

  groupBy<K2>(selector: (key: K, value: V) => K2, grouped?: Grouped<K2, V>): KGroupedStream<K2, V> {
    const selected = this.selectKey(selector);
    return new KGroupedStream(
      selected,
      grouped?.keySerde,
      grouped?.valueSerde ?? this.valueSerde,
      grouped?.name,
    );
  }

  /** The latest value per key as a table; null values delete. Repartitions first if the key changed. */
  toTable(materialized?: Materialized<K, V>, named?: Named): KTable<K, V> {
    const keySerde = (materialized?.keySerde ?? this.keySerde) as Serde<K> | undefined;
    const valueSerde = (materialized?.valueSerde ?? this.valueSerde) as Serde<V> | undefined;
    const storeName = materialized?.storeName ?? this.builder.newName('KSTREAM-TOTABLE-STATE-STORE');
    const parentName = this.repartitionRequired
      ? insertRepartition(this, storeName, keySerde as Serde<unknown>, valueSerde as Serde<unknown>)
      : this.nodeName;
    return addMaterializedTable(
      this.builder,
      named?.name ?? this.builder.newName('KSTREAM-TOTABLE'),
      parentName,
      storeName,
      tableSourceSupplier<K, V>(storeName),
      keySerde,
      valueSerde,
      // Kafka Streams does not cache a table nobody materialized: every update flows on at once.
      materialized ?? Materialized.with<K, V>(keySerde, valueSerde).withCachingDisabled(),
    );
  }

  /** Joins each record with the table's current value for its key; records without a match are dropped. */
  join<VT, VR>(
    table: KTable<K, VT>,
    joiner: (value: V, tableValue: VT, key: K) => VR,
    joined?: Joined<K, V, VT>,
  ): KStream<K, VR> {
    return this.joinTable(table, joiner as (value: V, tableValue: VT | null, key: K) => VR, false, joined);
  }

  /** Like join(), but a record without a match is joined with null. */
  leftJoin<VT, VR>(
    table: KTable<K, VT>,
    joiner: (value: V, tableValue: VT | null, key: K) => VR,
    joined?: Joined<K, V, VT>,
  ): KStream<K, VR> {
    return this.joinTable(table, joiner, true, joined);
  }

  /**
   * Runs a Processor API processor with access to the named stores. The processor may change keys,
   * so the stream is marked for repartitioning.
   */
  process<KOut, VOut>(
    supplier: ProcessorSupplier<K, V, KOut, VOut>,
    ...storeNames: string[]
  ): KStream<KOut, VOut> {
    const name = this.builder.newName('KSTREAM-PROCESSOR');
    this.builder.addProcessor(name, supplier, [this.nodeName]);
    if (storeNames.length) this.builder.connectProcessorAndStateStores(name, ...storeNames);
    return new KStream(this.builder, name, undefined, undefined, true);
  }

  /** Like process(), for processors that keep the key: no repartitioning. */
  processValues<VOut>(
    supplier: FixedKeyProcessorSupplier<K, V, VOut>,
    ...storeNames: string[]
  ): KStream<K, VOut> {
    const name = this.builder.newName('KSTREAM-PROCESSVALUES');
    this.builder.addProcessor(name, supplier, [this.nodeName]);
    if (storeNames.length) this.builder.connectProcessorAndStateStores(name, ...storeNames);
    return new KStream(this.builder, name, this.keySerde, undefined, this.repartitionRequired);
  }

  private joinTable<VT, VR>(
    table: KTable<K, VT>,
    joiner: (value: V, tableValue: VT | null, key: K) => VR,
    leftJoin: boolean,
    joined: Joined<K, V, VT> | undefined,
  ): KStream<K, VR> {
    const store = table.queryableStoreName;
    if (!store) {
      throw new TopologyError(
        `join: table ${table.nodeName} is not materialized; pass Materialized.as(...) to the operation that makes it`,
      );
    }
    let parent: StreamNode = this;
    const keySerde = (joined?.keySerde ?? this.keySerde) as Serde<unknown> | undefined;
    const valueSerde = (joined?.valueSerde ?? this.valueSerde) as Serde<unknown> | undefined;
    if (this.repartitionRequired) {
      const source = insertRepartition(
        this,
        joined?.name ?? this.builder.newName('KSTREAM-JOIN-REPARTITION'),
        keySerde,
        valueSerde,
      );
      parent = new KStream(this.builder, source, keySerde, valueSerde, false);
    }
    const name = joined?.name ?? this.builder.newName(leftJoin ? 'KSTREAM-LEFTJOIN' : 'KSTREAM-JOIN');
    this.builder.addProcessor(
      name,
      streamTableJoinSupplier<K, V, VT, VR>(store, joiner, leftJoin) as ProcessorSupplier<
        unknown,
        unknown,
        unknown,
        unknown
      >,
      [parent.nodeName],
    );
    this.builder.connectProcessorAndStateStores(name, store);
    this.builder.markCopartitioned(name);
    return new KStream(this.builder, name, keySerde, undefined, false);
  }

  /** @internal A child stream; `keySerde`/`valueSerde`: undefined keeps this stream's, null drops it. */
  private child<K2, V2>(
    prefix: string,
    supplier: ProcessorSupplier<never, never, unknown, unknown>,
    named: Named | undefined,
    repartitionRequired: boolean,
    keySerde?: null,
    valueSerde?: null,
  ): KStream<K2, V2> {
    const name = addProcessorNode(this, prefix, supplier, named?.name);
    return new KStream(
      this.builder,
      name,
      keySerde === null ? undefined : this.keySerde,
      valueSerde === null ? undefined : this.valueSerde,
      repartitionRequired,
    );
  }
}
