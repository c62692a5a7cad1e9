import type { KeyValue } from '../../state-stores/key-value-store.js';
import { Stores } from '../../state-stores/stores.js';
import { ownKey, streamTableJoinSupplier } from '../processor/internals/join-processors.js';
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
import type {
  AnyProcessorSupplier,
  FixedKeyProcessorSupplier,
  ProcessorSupplier,
} from '../processor/processor.js';
import type { StreamPartitioner, TopicNameExtractor } from '../processor/sink-types.js';
import type { Serde } from '../serdes/serde.js';
import { Serdes } from '../serdes/serdes.js';
import { TopologyError } from '../topology/topology-error.js';
import { BranchedKStream } from './branched-kstream.js';
import { GlobalKTable } from './global-ktable.js';
import type { Grouped } from './grouped.js';
import { type GraphNode, ProcessorNode, SinkNode } from './internals/graph/graph-node.js';
import type { InternalStreamsBuilder } from './internals/graph/internal-streams-builder.js';
import { RepartitionNode } from './internals/graph/repartition-node.js';
import { TableSourceNode } from './internals/graph/table-nodes.js';
import { addStreamJoin } from './internals/stream-stream-join.js';
import { JoinWindows } from './join-windows.js';
import type { Joined } from './joined.js';
import { KGroupedStream } from './kgrouped-stream.js';
import { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import type { Named } from './named.js';
import type { Produced } from './produced.js';
import type { Repartitioned } from './repartitioned.js';
import type { StreamJoined } from './stream-joined.js';

type Joiner<K, V, VO, VR> = (value: V | null, otherValue: VO | null, key: K) => VR;
type KeySelector<K, V> = (key: K, value: V) => unknown;

/** A record stream: every record is an independent event. Mirrors Kafka Streams' KStream. */
export class KStream<K, V> {
  /** @internal */
  constructor(
    /** @internal */ readonly graph: InternalStreamsBuilder,
    /** @internal */ readonly node: GraphNode,
    /** @internal */ readonly keySerde: Serde<unknown> | undefined,
    /** @internal */ readonly valueSerde: Serde<unknown> | undefined,
  ) {}

  filter(predicate: (key: K, value: V) => boolean, named?: Named): KStream<K, V> {
    return this.child('KSTREAM-FILTER', filterSupplier(predicate, false), named);
  }

  filterNot(predicate: (key: K, value: V) => boolean, named?: Named): KStream<K, V> {
    return this.child('KSTREAM-FILTER', filterSupplier(predicate, true), named);
  }

  /** New key and value: marks the stream for repartitioning before the next grouping or join. */
  map<K2, V2>(mapper: (key: K, value: V) => KeyValue<K2, V2>, named?: Named): KStream<K2, V2> {
    return this.child('KSTREAM-MAP', mapSupplier(mapper), named, {
      keyChanging: true,
      keySerde: null,
      valueSerde: null,
    });
  }

  mapValues<V2>(mapper: (value: V, key: K) => V2, named?: Named): KStream<K, V2> {
    return this.child('KSTREAM-MAPVALUES', mapValuesSupplier(mapper), named, { valueSerde: null });
  }

  flatMap<K2, V2>(mapper: (key: K, value: V) => Iterable<KeyValue<K2, V2>>, named?: Named): KStream<K2, V2> {
    return this.child('KSTREAM-FLATMAP', flatMapSupplier(mapper), named, {
      keyChanging: true,
      keySerde: null,
      valueSerde: null,
    });
  }

  flatMapValues<V2>(mapper: (value: V, key: K) => Iterable<V2>, named?: Named): KStream<K, V2> {
    return this.child('KSTREAM-FLATMAPVALUES', flatMapValuesSupplier(mapper), named, { valueSerde: null });
  }

  selectKey<K2>(selector: (key: K, value: V) => K2, named?: Named): KStream<K2, V> {
    return this.child('KSTREAM-KEY-SELECT', selectKeySupplier(selector), named, {
      keyChanging: true,
      keySerde: null,
    });
  }

  peek(action: (key: K, value: V) => void, named?: Named): KStream<K, V> {
    return this.child('KSTREAM-PEEK', peekSupplier(action, true), named);
  }

  /** A terminal operation: runs `action` per record. */
  foreach(action: (key: K, value: V) => void, named?: Named): void {
    this.child('KSTREAM-FOREACH', peekSupplier(action, false), named);
  }

  /** Starts a split into branches: `.branch(predicate)`... then `.defaultBranch()` or `.noDefaultBranch()`. */
  split(named?: Named): BranchedKStream<K, V> {
    return new BranchedKStream(this, named?.name);
  }

  merge(other: KStream<K, V>, named?: Named): KStream<K, V> {
    const name = this.graph.processorName(named?.name, 'KSTREAM-MERGE');
    const node = this.graph.add(new ProcessorNode(name, [this.node, other.node], passThroughSupplier()));
    return new KStream(this.graph, node, this.keySerde, this.valueSerde);
  }

  /** Writes to a topic, or to the topic `extractor` picks per record. */
  to(
    topic: string | TopicNameExtractor<K, V>,
    produced?: Produced<K, V> | Produced<NonNullable<K>, NonNullable<V>>,
  ): void {
    const name = this.graph.processorName(produced?.name, 'KSTREAM-SINK');
    this.graph.add(
      new SinkNode(
        name,
        this.node,
        topic as string | TopicNameExtractor<unknown, unknown>,
        (produced?.keySerde ?? this.keySerde) as Serde<unknown> | undefined,
        (produced?.valueSerde ?? this.valueSerde) as Serde<unknown> | undefined,
        produced?.partitioner as StreamPartitioner<unknown, unknown> | undefined,
      ),
    );
  }

  /** Sends the stream through `<applicationId>-<name>-repartition`, partitioned by key. */
  repartition(repartitioned?: Repartitioned<K, V>): KStream<K, V> {
    const keySerde = (repartitioned?.keySerde ?? this.keySerde) as Serde<unknown> | undefined;
    const valueSerde = (repartitioned?.valueSerde ?? this.valueSerde) as Serde<unknown> | undefined;
    const prefix = repartitioned?.name ?? this.graph.newProcessorName('KSTREAM-REPARTITION');
    const node = this.graph.add(
      RepartitionNode.forStream(this.graph, this.node, prefix, {
        keySerde,
        valueSerde,
        partitions: repartitioned?.numberOfPartitions,
        partitioner: repartitioned?.partitioner as StreamPartitioner<unknown, unknown> | undefined,
      }),
    );
    return new KStream(this.graph, node, keySerde, valueSerde);
  }

  groupByKey(grouped?: Grouped<K, V>): KGroupedStream<K, V> {
    return new KGroupedStream(
      this.graph,
      this.node,
      grouped?.keySerde ?? this.keySerde,
      grouped?.valueSerde ?? this.valueSerde,
      grouped?.name,
    );
  }

  /** Re-keys by `selector` (a key-changing step named by Grouped's name) and groups by the new key. */
  groupBy<K2>(selector: (key: K, value: V) => K2, grouped?: Grouped<K2, V>): KGroupedStream<K2, V> {
    const selected = this.child<K2, V>('KSTREAM-KEY-SELECT', selectKeySupplier(selector), grouped, {
      keyChanging: true,
      keySerde: null,
    });
    return new KGroupedStream(
      this.graph,
      selected.node,
      grouped?.keySerde,
      grouped?.valueSerde ?? this.valueSerde,
      grouped?.name,
    );
  }

  /**
   * The latest value per key as a table; null values delete. Repartitions first if the key changed.
   * The table has a store only when Materialized names one or a join or aggregation needs it.
   */
  toTable(materialized?: Materialized<K, V>, named?: Named): KTable<K, V> {
    const name = this.graph.processorName(named?.name, 'KSTREAM-TOTABLE');
    const storeName = materialized?.storeName ?? this.graph.newStoreName('KSTREAM-TOTABLE');
    const keySerde = (materialized?.keySerde ?? this.keySerde) as Serde<K> | undefined;
    const valueSerde = (materialized?.valueSerde ?? this.valueSerde) as Serde<V> | undefined;
    const parent = this.node.repartitionRequired
      ? this.graph.add(
          RepartitionNode.forStream(this.graph, this.node, name, {
            keySerde: keySerde as Serde<unknown> | undefined,
            valueSerde: valueSerde as Serde<unknown> | undefined,
          }),
        )
      : this.node;
    const node = this.graph.add(
      new TableSourceNode<K, V>(name, parent, storeName, keySerde, valueSerde, materialized),
    );
    return new KTable<K, V>(this.graph, node, keySerde as Serde<unknown>, valueSerde as Serde<unknown>);
  }

  /**
   * With a KTable: joins each record with the table's current value for its key; records without a
   * match are dropped. With a KStream and JoinWindows: joins each record with the other stream's
   * records of the same key within the window, from either side.
   */
  join<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V, otherValue: VO, key: K) => VR,
    windows: JoinWindows,
    streamJoined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR>;
  join<VT, VR>(
    table: KTable<K, VT>,
    joiner: (value: V, tableValue: VT, key: K) => VR,
    joined?: Joined<K, V, VT>,
  ): KStream<K, VR>;
  /**
   * With a GlobalKTable: `keySelector` picks the table key from each record (null: no match), no
   * repartitioning; records without a match are dropped.
   */
  join<KG, VG, VR>(
    globalTable: GlobalKTable<KG, VG>,
    keySelector: (key: K, value: V) => KG | null,
    joiner: (value: V, globalValue: VG, key: K) => VR,
    named?: Named,
  ): KStream<K, VR>;
  join<VO, VR>(
    other: KStream<K, VO> | KTable<K, VO> | GlobalKTable<unknown, VO>,
    joiner: ((value: V, otherValue: VO, key: K) => VR) | ((key: K, value: V) => unknown),
    options?: JoinWindows | Joined<K, V, VO> | ((value: V, globalValue: VO, key: K) => VR),
    streamJoined?: StreamJoined<K, V, VO> | Named,
  ): KStream<K, VR> {
    return this.joinAny(false, other, joiner, options, streamJoined);
  }

  /**
   * Like join(), keeping every record of this stream: one without a match is joined with null (for
   * a stream, once its window has closed, so no result is emitted that a later match would contradict).
   */
  leftJoin<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V, otherValue: VO | null, key: K) => VR,
    windows: JoinWindows,
    streamJoined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR>;
  leftJoin<VT, VR>(
    table: KTable<K, VT>,
    joiner: (value: V, tableValue: VT | null, key: K) => VR,
    joined?: Joined<K, V, VT>,
  ): KStream<K, VR>;
  /** With a GlobalKTable: a record without a match (or whose selected key is null) is joined with null. */
  leftJoin<KG, VG, VR>(
    globalTable: GlobalKTable<KG, VG>,
    keySelector: (key: K, value: V) => KG | null,
    joiner: (value: V, globalValue: VG | null, key: K) => VR,
    named?: Named,
  ): KStream<K, VR>;
  leftJoin<VO, VR>(
    other: KStream<K, VO> | KTable<K, VO> | GlobalKTable<unknown, VO>,
    joiner: ((value: V, otherValue: VO | null, key: K) => VR) | ((key: K, value: V) => unknown),
    options?: JoinWindows | Joined<K, V, VO> | ((value: V, globalValue: VO | null, key: K) => VR),
    streamJoined?: StreamJoined<K, V, VO> | Named,
  ): KStream<K, VR> {
    return this.joinAny(true, other, joiner, options, streamJoined);
  }

  /** join / leftJoin with a stream (windows), a table (Joined) or a global table (key selector, joiner). */
  private joinAny<VO, VR>(
    leftJoin: boolean,
    other: KStream<K, VO> | KTable<K, VO> | GlobalKTable<unknown, VO>,
    joinerOrSelector: unknown,
    options: unknown,
    last: StreamJoined<K, V, VO> | Named | undefined,
  ): KStream<K, VR> {
    if (other instanceof GlobalKTable)
      return this.joinGlobalTable(
        other,
        joinerOrSelector as KeySelector<K, V>,
        options as Joiner<K, V, VO, VR>,
        leftJoin,
        last as Named | undefined,
      );
    const joiner = joinerOrSelector as Joiner<K, V, VO, VR>;
    return other instanceof KTable
      ? this.joinTable(other, joiner, leftJoin, options as Joined<K, V, VO> | undefined)
      : this.joinStream(
          other,
          joiner,
          options as JoinWindows | undefined,
          last as StreamJoined<K, V, VO> | undefined,
          leftJoin,
          false,
        );
  }

  /** A stream-stream join keeping the records of both streams; the missing side is null. */
  outerJoin<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V | null, otherValue: VO | null, key: K) => VR,
    windows: JoinWindows,
    streamJoined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR> {
    return this.joinStream(other, joiner, windows, streamJoined, true, true);
  }

  /**
   * Runs a Processor API processor with access to the named stores. The processor may change keys,
   * so the stream is marked for repartitioning.
   */
  process<KOut, VOut>(
    supplier: ProcessorSupplier<K, V, KOut, VOut>,
    ...storeNames: string[]
  ): KStream<KOut, VOut> {
    return this.child('KSTREAM-PROCESSOR', supplier, undefined, {
      keyChanging: true,
      keySerde: null,
      valueSerde: null,
      storeNames,
    });
  }

  /** Like process(), for processors that keep the key: no repartitioning. */
  processValues<VOut>(
    supplier: FixedKeyProcessorSupplier<K, V, VOut>,
    ...storeNames: string[]
  ): KStream<K, VOut> {
    return this.child('KSTREAM-PROCESSVALUES', supplier, undefined, { valueSerde: null, storeNames });
  }

  private joinStream<VO, VR>(
    other: KStream<K, VO>,
    joiner: (value: V | null, otherValue: VO | null, key: K) => VR,
    windows: JoinWindows | undefined,
    streamJoined: StreamJoined<K, V, VO> | undefined,
    leftOuter: boolean,
    rightOuter: boolean,
  ): KStream<K, VR> {
    if (!(windows instanceof JoinWindows)) {
      throw new TopologyError(
        'a stream-stream join needs JoinWindows as its third argument, e.g. JoinWindows.ofTimeDifferenceWithNoGrace(60_000)',
      );
    }
    const node = addStreamJoin<K, V, VO, VR>(
      this.graph,
      this,
      other,
      joiner,
      windows,
      streamJoined,
      leftOuter,
      rightOuter,
    );
    return new KStream(
      this.graph,
      node,
      (streamJoined?.keySerde ?? undefined) as Serde<unknown> | undefined,
      undefined,
    );
  }

  private joinTable<VT, VR>(
    table: KTable<K, VT>,
    joiner: (value: V, tableValue: VT | null, key: K) => VR,
    leftJoin: boolean,
    joined: Joined<K, V, VT> | undefined,
  ): KStream<K, VR> {
    const keySerde = (joined?.keySerde ?? this.keySerde) as Serde<unknown> | undefined;
    const valueSerde = (joined?.valueSerde ?? this.valueSerde) as Serde<unknown> | undefined;
    const parent = this.node.repartitionRequired
      ? this.graph.add(
          RepartitionNode.forStream(this.graph, this.node, joined?.name ?? this.node.nodeName, {
            keySerde,
            valueSerde,
          }),
        )
      : this.node;
    const name = this.graph.processorName(joined?.name, leftJoin ? 'KSTREAM-LEFTJOIN' : 'KSTREAM-JOIN');
    const values = table.node.valueGetterSupplier();
    // Joined.withGracePeriod: stream records wait in a logged buffer (Kafka Streams' "<name>-Buffer").
    const grace =
      joined?.gracePeriodMs === undefined
        ? undefined
        : { graceMs: joined.gracePeriodMs, bufferStoreName: `${name}-Buffer` };
    const node = this.graph.add(
      new ProcessorNode(
        name,
        [parent],
        streamTableJoinSupplier<K, V, K, VT, VR>(values, ownKey, joiner, leftJoin, grace),
        {
          storeNames: values.storeNames,
          copartitioned: true,
          stores: grace
            ? [Stores.keyValueStoreBuilder(grace.bufferStoreName, Serdes.Bytes(), Serdes.Bytes())]
            : [],
        },
      ),
    );
    return new KStream(this.graph, node, keySerde, undefined);
  }

  /** KStream-GlobalKTable join: a lookup by any key, so neither repartitioning nor co-partitioning. */
  private joinGlobalTable<KG, VG, VR>(
    table: GlobalKTable<KG, VG>,
    keySelector: (key: K, value: V) => KG | null,
    joiner: (value: V, globalValue: VG | null, key: K) => VR,
    leftJoin: boolean,
    named: Named | undefined,
  ): KStream<K, VR> {
    const name = this.graph.processorName(named?.name, leftJoin ? 'KSTREAM-LEFTJOIN' : 'KSTREAM-JOIN');
    const supplier = streamTableJoinSupplier<K, V, KG, VG, VR>(
      table.valueGetterSupplier,
      keySelector,
      joiner,
      leftJoin,
    );
    const node = this.graph.add(new ProcessorNode(name, [this.node], supplier));
    return new KStream(this.graph, node, this.keySerde, undefined);
  }

  /** A child stream; `keySerde`/`valueSerde`: null drops this stream's serde (the type changed). */
  private child<K2, V2>(
    prefix: string,
    supplier: AnyProcessorSupplier,
    named: { readonly name?: string | undefined } | undefined,
    options: {
      keyChanging?: boolean;
      keySerde?: null;
      valueSerde?: null;
      storeNames?: readonly string[];
    } = {},
  ): KStream<K2, V2> {
    const name = this.graph.processorName(named?.name, prefix);
    const node = this.graph.add(
      new ProcessorNode(name, [this.node], supplier, {
        keyChanging: options.keyChanging,
        storeNames: options.storeNames,
      }),
    );
    return new KStream(
      this.graph,
      node,
      options.keySerde === null ? undefined : this.keySerde,
      options.valueSerde === null ? undefined : this.valueSerde,
    );
  }
}
