import type { StateStore } from '../../../../state-stores/state-store.js';
import type { StoreBuilder } from '../../../../state-stores/store-builder.js';
import { tableSourceSupplier } from '../../../processor/internals/aggregate-processors.js';
import { tableTransformSupplier } from '../../../processor/internals/table-processors.js';
import {
  type KTableValueGetterSupplier,
  storeValueGetter,
  transformedValueGetter,
} from '../../../processor/internals/value-getters.js';
import type { AnyProcessorSupplier } from '../../../processor/processor.js';
import type { TimestampExtractor } from '../../../processor/timestamp-extractor.js';
import type { Serde } from '../../../serdes/serde.js';
import type { InternalTopologyBuilder } from '../../../topology/internals/internal-topology-builder.js';
import type { Materialized } from '../../materialized.js';
import { keyValueStoreFor, tableStoreFor } from '../materialize.js';
import { GraphNode, ProcessorNode } from './graph-node.js';

/** A graph node that produces a KTable: it can tell a join the table's values, and send old values. */
export interface TableNode<K, V> extends GraphNode {
  /** The table's current values, for a join (Kafka Streams' valueGetterSupplier); materializes a source. */
  valueGetterSupplier(): KTableValueGetterSupplier<K, V>;
  /** Downstream needs each update's previous value (an aggregation subtracts it); materializes a source. */
  enableSendingOldValues(): void;
}

/**
 * builder.table() / KStream.toTable(), as Kafka Streams' KTableSource: the store exists only when
 * Materialized names it or a downstream operation needs the table's values or old values.
 */
export class TableSourceNode<K, V> extends GraphNode implements TableNode<K, V> {
  private readonly store: StoreBuilder<StateStore>;
  private materialized: boolean;

  constructor(
    nodeName: string,
    parent: GraphNode,
    storeName: string,
    keySerde: Serde<K> | undefined,
    valueSerde: Serde<V> | undefined,
    materialized: Materialized<K, V> | undefined,
  ) {
    super(nodeName, [parent], false, false);
    this.store = tableStoreFor(storeName, keySerde, valueSerde, materialized);
    this.materialized = materialized?.storeName !== undefined;
  }

  valueGetterSupplier(): KTableValueGetterSupplier<K, V> {
    this.materialize('a join cannot read it');
    return storeValueGetter<K, V>(this.store.name);
  }

  enableSendingOldValues(): void {
    this.materialize('it cannot send old values to an aggregation');
  }

  protected writeTo(builder: InternalTopologyBuilder): void {
    const storeName = this.materialized ? this.store.name : undefined;
    builder.addProcessor(this.nodeName, tableSourceSupplier<K, V>(storeName), this.parentNames);
    if (storeName) builder.addStateStore(this.store, this.nodeName);
  }

  private materialize(otherwise: string): void {
    if (this.materialized) return;
    this.checkNotWritten(otherwise);
    this.materialized = true;
  }
}

/**
 * KTable.filter / filterNot / mapValues, as Kafka Streams' KTableFilter / KTableMapValues: a store
 * only when Materialized names one; otherwise a join reads the parent's values through `fn`.
 */
export class TableTransformNode<K, V, V2> extends GraphNode implements TableNode<K, V2> {
  constructor(
    nodeName: string,
    private readonly parent: TableNode<K, V>,
    private readonly fn: (value: V, key: K) => V2 | null,
    private readonly store: StoreBuilder<StateStore> | undefined,
  ) {
    super(nodeName, [parent], false, false);
  }

  valueGetterSupplier(): KTableValueGetterSupplier<K, V2> {
    return this.store
      ? storeValueGetter<K, V2>(this.store.name)
      : transformedValueGetter(this.parent.valueGetterSupplier(), this.fn);
  }

  enableSendingOldValues(): void {
    // A materialized result reads its previous value from its own store.
    if (!this.store) this.parent.enableSendingOldValues();
  }

  protected writeTo(builder: InternalTopologyBuilder): void {
    builder.addProcessor(this.nodeName, tableTransformSupplier(this.fn, this.store?.name), this.parentNames);
    if (this.store) builder.addStateStore(this.store, this.nodeName);
  }
}

/**
 * An aggregation (grouped or windowed): always holds its result in its own store; forwards old
 * values once downstream asks (enableSendingOldValues, inherited: its supplier SendsOldValues).
 */
export class AggregationNode<K, V> extends ProcessorNode implements TableNode<K, V> {
  constructor(
    nodeName: string,
    parent: GraphNode,
    supplier: AnyProcessorSupplier,
    store: StoreBuilder<StateStore>,
    private readonly getter: KTableValueGetterSupplier<K, V>,
    /** Windowed aggregations: how long after a window's end it closes (grace; sessions: gap + grace). */
    readonly windowCloseDelayMs?: number,
    /** A store of the processor's own besides the result's (an onWindowClose emit's progress). */
    extraStore?: StoreBuilder<StateStore>,
  ) {
    super(nodeName, [parent], supplier, { stores: extraStore ? [store, extraStore] : [store] });
  }

  /** An aggregation into a timestamped key-value store, with Materialized's options. */
  static keyValue<K, V>(
    nodeName: string,
    parent: GraphNode,
    supplier: AnyProcessorSupplier,
    storeName: string,
    keySerde: Serde<K> | undefined,
    valueSerde: Serde<V> | undefined,
    materialized: Materialized<K, V> | undefined,
  ): AggregationNode<K, V> {
    const store = keyValueStoreFor(storeName, keySerde, valueSerde, materialized);
    return new AggregationNode(nodeName, parent, supplier, store, storeValueGetter<K, V>(storeName));
  }

  valueGetterSupplier(): KTableValueGetterSupplier<K, V> {
    return this.getter;
  }
}

/** A node that forwards its parents' table updates as one table, whose values are in a store (a cogroup's merge). */
export class PassThroughTableNode<K, V> extends ProcessorNode implements TableNode<K, V> {
  constructor(
    nodeName: string,
    parents: readonly GraphNode[],
    supplier: AnyProcessorSupplier,
    private readonly getter: KTableValueGetterSupplier<K, V>,
    options: { readonly copartitioned?: boolean; readonly windowCloseDelayMs?: number | undefined } = {},
  ) {
    super(nodeName, parents, supplier, options);
    this.windowCloseDelayMs = options.windowCloseDelayMs;
  }

  /** A windowed cogroup's merge: how long after a window's end it closes (suppress needs it). */
  readonly windowCloseDelayMs: number | undefined;

  valueGetterSupplier(): KTableValueGetterSupplier<K, V> {
    return this.getter;
  }

  /** The cogroup's aggregations upstream forward what this node passes on. */
  override enableSendingOldValues(): void {
    for (const parent of this.parents) if (parent instanceof ProcessorNode) parent.enableSendingOldValues();
  }
}

/**
 * builder.globalTable(), as Kafka Streams' global TableSourceNode: a global store fed by a table
 * source processor from every partition of the topic. Its store never logs: the topic is its changelog.
 */
export class GlobalTableSourceNode<K, V> extends GraphNode {
  constructor(
    private readonly sourceName: string,
    processorName: string,
    private readonly topic: string,
    private readonly store: StoreBuilder<StateStore>,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
    private readonly timestampExtractor: TimestampExtractor | undefined,
  ) {
    super(processorName, [], false, true);
  }

  protected writeTo(builder: InternalTopologyBuilder): void {
    builder.addGlobalStore(
      this.store,
      this.sourceName,
      this.topic,
      this.keySerde as Serde<unknown> | undefined,
      this.valueSerde as Serde<unknown> | undefined,
      this.timestampExtractor,
      this.nodeName,
      tableSourceSupplier<K, V>(this.store.name),
    );
  }
}
