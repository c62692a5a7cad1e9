import type { KeyValue } from '../../state-stores/key-value-store.js';
import {
  tableRepartitionMapSupplier,
  tableToStreamSupplier,
  tableTransformSupplier,
} from '../processor/internals/table-processors.js';
import type { Serde } from '../serdes/serde.js';
import type { Grouped } from './grouped.js';
import { keyValueStoreFor } from './internals/materialize.js';
import type { StreamNode } from './internals/stream-node.js';
import { KGroupedTable } from './kgrouped-table.js';
import { KStream } from './kstream.js';
import type { Materialized } from './materialized.js';
import type { Named } from './named.js';

/**
 * A changelog stream as a table: the latest value per key. Updates flow downstream with the
 * previous value, so aggregations over a table can subtract it. A null value deletes the key.
 */
export class KTable<K, V> {
  readonly repartitionRequired = false;

  /** @internal */
  constructor(
    /** @internal */ readonly builder: StreamNode['builder'],
    /** @internal */ readonly nodeName: string,
    /** @internal */ readonly keySerde: Serde<unknown> | undefined,
    /** @internal */ readonly valueSerde: Serde<unknown> | undefined,
    /** The store that holds this table, when it is materialized. */
    /** @internal */ readonly queryableStoreName: string | undefined,
  ) {}

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

  /** The table's updates as a stream; deletions arrive as null values. */
  toStream(named?: Named): KStream<K, V | null> {
    const name = named?.name ?? this.builder.newName('KTABLE-TOSTREAM');
    this.builder.addProcessor(name, tableToStreamSupplier(), [this.nodeName]);
    return new KStream(this.builder, name, this.keySerde, this.valueSerde, false);
  }

  /**
   * Re-keys the table for an aggregation; always goes through a repartition topic. A selector that
   * returns null, or a pair with a null key or value, leaves the row out of every group.
   */
  groupBy<K2, V2>(
    selector: (key: K, value: V) => KeyValue<K2, V2> | null,
    grouped?: Grouped<K2, V2>,
  ): KGroupedTable<K2, V2> {
    const name = this.builder.newName('KTABLE-SELECT');
    this.builder.addProcessor(name, tableRepartitionMapSupplier(selector), [this.nodeName]);
    return new KGroupedTable<K2, V2>(
      this.builder,
      name,
      grouped?.keySerde,
      grouped?.valueSerde,
      grouped?.name,
    );
  }

  private transform<V2>(
    prefix: string,
    fn: (value: V, key: K) => V2 | null,
    materialized: Materialized<K, V2> | undefined,
    named: Named | undefined,
    valueSerde: Serde<unknown> | undefined,
  ): KTable<K, V2> {
    const name = named?.name ?? this.builder.newName(prefix);
    const storeName = materialized
      ? (materialized.storeName ?? this.builder.newName(`${prefix}-STATE-STORE`))
      : undefined;
    this.builder.addProcessor(name, tableTransformSupplier(fn, storeName), [this.nodeName]);
    const keySerde = (materialized?.keySerde ?? this.keySerde) as Serde<K> | undefined;
    const outValueSerde = (materialized?.valueSerde ?? valueSerde) as Serde<V2> | undefined;
    if (storeName)
      this.builder.addStateStore(keyValueStoreFor(storeName, keySerde, outValueSerde, materialized), name);
    return new KTable<K, V2>(
      this.builder,
      name,
      keySerde as Serde<unknown>,
      outValueSerde as Serde<unknown>,
      storeName,
    );
  }
}
