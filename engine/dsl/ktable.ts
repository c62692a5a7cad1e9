import type { KeyValue } from '../../state-stores/key-value-store.js';
import type { SideJoiner } from '../processor/internals/table-join-processors.js';
import {
  tableRepartitionMapSupplier,
  tableToStreamSupplier,
} from '../processor/internals/table-processors.js';
import type { Serde } from '../serdes/serde.js';
import type { Grouped } from './grouped.js';
import { ForeignKeyJoinNode } from './internals/graph/foreign-key-join-node.js';
import { ProcessorNode } from './internals/graph/graph-node.js';
import type { InternalStreamsBuilder } from './internals/graph/internal-streams-builder.js';
import { SuppressNode } from './internals/graph/suppress-node.js';
import { type TableJoinKind, TableJoinNode } from './internals/graph/table-join-node.js';
import { type TableNode, TableSourceNode, TableTransformNode } from './internals/graph/table-nodes.js';
import { keyValueStoreFor, tableStoreFor } from './internals/materialize.js';
import { KGroupedTable } from './kgrouped-table.js';
import { KStream } from './kstream.js';
import type { Materialized } from './materialized.js';
import type { Named } from './named.js';
import type { Suppressed } from './suppressed.js';
import type { TableJoined } from './table-joined.js';

type ForeignKeyExtractor<K, V> = (value: V, key: K) => unknown;
type ForeignJoiner<V, VO, VR> = (value: V | null, foreignValue: VO | null) => VR;
/** What join / leftJoin take, for either form: (table, joiner, materialized?, named?) or (table, extractor, joiner, tableJoined?, materialized?). */
type JoinArguments<K, V> = [
  KTable<unknown, unknown>,
  ForeignKeyExtractor<K, V>,
  Materialized<K, unknown> | ForeignJoiner<V, unknown, unknown> | undefined,
  Named | TableJoined | undefined,
  Materialized<K, unknown> | undefined,
];

/**
 * A changelog stream as a table: the latest value per key. Updates flow downstream with the
 * previous value, so aggregations over a table can subtract it. A null value deletes the key.
 */
export class KTable<K, V> {
  /** @internal */
  constructor(
    /** @internal */ readonly graph: InternalStreamsBuilder,
    /** @internal */ readonly node: TableNode<K, V>,
    /** @internal */ readonly keySerde: Serde<unknown> | undefined,
    /** @internal */ readonly valueSerde: Serde<unknown> | undefined,
  ) {}

  /**
   * The rows `predicate` keeps; a dropped row is a delete. Kept in a store only when Materialized
   * names one (a join reads an unmaterialized result through this table's parent).
   */
  filter(
    predicate: (key: K, value: V) => boolean,
    materialized?: Materialized<K, V>,
    named?: Named,
  ): KTable<K, V> {
    return this.transform<V>(
      'KTABLE-FILTER',
      (value, key) => (predicate(key, value) ? value : null),
      materialized,
      named,
      this.valueSerde,
    );
  }

  filterNot(
    predicate: (key: K, value: V) => boolean,
    materialized?: Materialized<K, V>,
    named?: Named,
  ): KTable<K, V> {
    return this.transform<V>(
      'KTABLE-FILTER',
      (value, key) => (predicate(key, value) ? null : value),
      materialized,
      named,
      this.valueSerde,
    );
  }

  mapValues<V2>(
    mapper: (value: V, key: K) => V2,
    materialized?: Materialized<K, V2>,
    named?: Named,
  ): KTable<K, V2> {
    return this.transform<V2>('KTABLE-MAPVALUES', mapper, materialized, named, undefined);
  }

  /**
   * Joins the rows both tables hold for a key (Kafka Streams' KTable.join): an update of either
   * side updates the result, a delete of either deletes it. The result has a store only when
   * Materialized is given; otherwise joins read it through both sides.
   */
  join<VO, VR>(
    other: KTable<K, VO>,
    joiner: (value: V, otherValue: VO) => VR,
    materialized?: Materialized<K, VR>,
    named?: Named,
  ): KTable<K, VR>;
  /**
   * A foreign-key join (KIP-213): each row of this table joins the row of `other` whose key
   * `foreignKeyExtractor` takes from it (null: no match), whatever partitions the two tables' keys
   * are in. The result is keyed by this table's key; it follows changes of either side, including
   * a row moving to another foreign key, and a stale answer is never emitted.
   */
  join<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKeyExtractor: (value: V, key: K) => KO | null,
    joiner: (value: V, foreignValue: VO) => VR,
    tableJoined?: TableJoined,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR>;
  join(...args: unknown[]): KTable<K, unknown> {
    return this.joinEither('inner', args as JoinArguments<K, V>);
  }

  /** Like join(), keeping this table's rows: joined with null while the other table has none. */
  leftJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: (value: V, otherValue: VO | null) => VR,
    materialized?: Materialized<K, VR>,
    named?: Named,
  ): KTable<K, VR>;
  /** A foreign-key left join: a row without a foreign row (or foreign key) joins null. */
  leftJoin<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKeyExtractor: (value: V, key: K) => KO | null,
    joiner: (value: V, foreignValue: VO | null) => VR,
    tableJoined?: TableJoined,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR>;
  leftJoin(...args: unknown[]): KTable<K, unknown> {
    return this.joinEither('left', args as JoinArguments<K, V>);
  }

  /** A key join (table, joiner, materialized?, named?) or a foreign-key join (table, extractor, joiner, tableJoined?, materialized?). */
  private joinEither(
    kind: 'inner' | 'left',
    [other, joinerOrExtractor, third, fourth, fifth]: JoinArguments<K, V>,
  ): KTable<K, unknown> {
    if (typeof third === 'function')
      return this.joinForeignKey(
        other,
        joinerOrExtractor,
        third,
        kind === 'left',
        fourth as TableJoined | undefined,
        fifth,
      );
    return this.joinTable(
      other as KTable<K, unknown>,
      kind,
      joinerOrExtractor as SideJoiner<V, unknown, unknown>,
      third,
      fourth as Named | undefined,
    );
  }

  /** Keeps the rows of either table; the missing side is null. */
  outerJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: (value: V | null, otherValue: VO | null) => VR,
    materialized?: Materialized<K, VR>,
    named?: Named,
  ): KTable<K, VR> {
    return this.joinTable(other, 'outer', joiner, materialized, named);
  }

  /**
   * Holds updates back (Kafka Streams' KTable.suppress): `Suppressed.untilWindowCloses(...)` emits one
   * final result per window of a windowed table once the window closes; `Suppressed.untilTimeLimit`
   * emits each key's latest update a time limit after its first held one. Held updates are kept in a
   * logged buffer store, so they survive a crash.
   */
  suppress(suppressed: Suppressed): KTable<K, V> {
    const name = suppressed.name ?? this.graph.newProcessorName('KTABLE-SUPPRESS');
    const storeName =
      suppressed.name !== undefined ? `${suppressed.name}-store` : this.graph.newStoreName('KTABLE-SUPPRESS');
    const node = this.graph.add(
      new SuppressNode<K, V>(
        name,
        storeName,
        this.node,
        suppressed,
        this.keySerde as Serde<K> | undefined,
        this.valueSerde as Serde<V> | undefined,
      ),
    );
    return new KTable<K, V>(this.graph, node, this.keySerde, this.valueSerde);
  }

  /** The table's updates as a stream; deletions arrive as null values. */
  toStream(named?: Named): KStream<K, V | null> {
    const name = this.graph.processorName(named?.name, 'KTABLE-TOSTREAM');
    const node = this.graph.add(new ProcessorNode(name, [this.node], tableToStreamSupplier()));
    return new KStream(this.graph, node, this.keySerde, this.valueSerde);
  }

  /**
   * Re-keys the table for an aggregation; always goes through a repartition topic. A selector that
   * returns null, or a pair with a null key or value, leaves the row out of every group.
   */
  groupBy<K2, V2>(
    selector: (key: K, value: V) => KeyValue<K2, V2> | null,
    grouped?: Grouped<K2, V2>,
  ): KGroupedTable<K2, V2> {
    const name = this.graph.processorName(grouped?.name, 'KTABLE-SELECT');
    const node = this.graph.add(new ProcessorNode(name, [this.node], tableRepartitionMapSupplier(selector)));
    // The aggregation subtracts each update's old value from the group it leaves.
    this.node.enableSendingOldValues();
    return new KGroupedTable<K2, V2>(this.graph, node, grouped?.keySerde, grouped?.valueSerde, grouped?.name);
  }

  /**
   * The subscription and response topics and nodes (Kafka Streams' names, or `<name>-…` with
   * TableJoined), then the result: a table source whose store exists when Materialized names it or
   * downstream needs it. The foreign table's key serde partitions the subscriptions, so it must be
   * the one its topic was written with.
   */
  private joinForeignKey<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKeyExtractor: ForeignKeyExtractor<K, V>,
    joiner: ForeignJoiner<V, VO, VR>,
    leftJoin: boolean,
    tableJoined: TableJoined | undefined,
    materialized: Materialized<K, VR> | undefined,
  ): KTable<K, VR> {
    const name = tableJoined?.name;
    const node = this.graph.add(
      ForeignKeyJoinNode.create<K, V, KO, VO, VR>(this.graph, name, {
        primary: this.node,
        foreign: other.node,
        foreignKeyExtractor: foreignKeyExtractor as (value: V, key: K) => KO | null,
        joiner,
        leftJoin,
        primaryKeySerde: this.keySerde as Serde<K> | undefined,
        primaryValueSerde: this.valueSerde as Serde<V> | undefined,
        foreignKeySerde: other.keySerde as Serde<KO> | undefined,
        foreignValueSerde: other.valueSerde as Serde<VO> | undefined,
      }),
    );
    const resultName = this.graph.suffixedName(name, '-result', 'KTABLE-FK-JOIN-OUTPUT');
    // As Kafka Streams: the store name is taken (a number burnt) even when nothing is materialized.
    const storeName = materialized?.storeName ?? this.graph.newStoreName('KTABLE-FK-JOIN-OUTPUT');
    const keySerde = (materialized?.keySerde ?? this.keySerde) as Serde<K> | undefined;
    const valueSerde = materialized?.valueSerde;
    const result = this.graph.add(
      new TableSourceNode<K, VR>(resultName, node, storeName, keySerde, valueSerde, materialized),
    );
    return new KTable<K, VR>(this.graph, result, keySerde as Serde<unknown>, valueSerde as Serde<unknown>);
  }

  /** Names as Kafka Streams': store (when unnamed), merge, `-join-this`, `-join-other`. */
  private joinTable<VO, VR>(
    other: KTable<K, VO>,
    kind: TableJoinKind,
    joiner: SideJoiner<V, VO, VR>,
    materialized: Materialized<K, VR> | undefined,
    named: Named | undefined,
  ): KTable<K, VR> {
    const storeName = materialized
      ? (materialized.storeName ?? this.graph.newStoreName('KTABLE-MERGE'))
      : undefined;
    const mergeName = this.graph.processorName(named?.name, 'KTABLE-MERGE');
    const thisName = this.graph.suffixedName(named?.name, '-join-this', 'KTABLE-JOINTHIS');
    const otherName = this.graph.suffixedName(named?.name, '-join-other', 'KTABLE-JOINOTHER');
    const keySerde = (materialized?.keySerde ?? this.keySerde) as Serde<K> | undefined;
    const valueSerde = materialized?.valueSerde;
    const store =
      storeName === undefined ? undefined : keyValueStoreFor(storeName, keySerde, valueSerde, materialized);
    const node = this.graph.add(
      new TableJoinNode<K, V, VO, VR>(
        mergeName,
        thisName,
        otherName,
        this.node,
        other.node,
        kind,
        joiner,
        store,
      ),
    );
    return new KTable<K, VR>(this.graph, node, keySerde as Serde<unknown>, valueSerde as Serde<unknown>);
  }

  private transform<V2>(
    prefix: string,
    fn: (value: V, key: K) => V2 | null,
    materialized: Materialized<K, V2> | undefined,
    named: Named | undefined,
    valueSerde: Serde<unknown> | undefined,
  ): KTable<K, V2> {
    // As in Kafka Streams: Materialized without a store name burns a store number but keeps no store.
    const storeName = materialized ? (materialized.storeName ?? this.graph.newStoreName(prefix)) : undefined;
    const name = this.graph.processorName(named?.name, prefix);
    const keySerde = (materialized?.keySerde ?? this.keySerde) as Serde<K> | undefined;
    const outValueSerde = (materialized?.valueSerde ?? valueSerde) as Serde<V2> | undefined;
    const store =
      storeName !== undefined && materialized?.storeName !== undefined
        ? tableStoreFor(storeName, keySerde, outValueSerde, materialized)
        : undefined;
    const node = this.graph.add(new TableTransformNode<K, V, V2>(name, this.node, fn, store));
    return new KTable<K, V2>(this.graph, node, keySerde as Serde<unknown>, outValueSerde as Serde<unknown>);
  }
}
