import { TimestampedKeyValueStoreBuilder } from '../../../../state-stores/key-value-store-builder.js';
import {
  foreignTableJoinSupplier,
  responseJoinSupplier,
  type SubscriptionResponse,
  subscriptionJoinSupplier,
  subscriptionReceiveSupplier,
  subscriptionResponseSerde,
  subscriptionSendSupplier,
  subscriptionSerde,
  valueHasher,
} from '../../../processor/internals/foreign-key-join.js';
import type { KTableValueGetterSupplier } from '../../../processor/internals/value-getters.js';
import type { Serde } from '../../../serdes/serde.js';
import { Serdes } from '../../../serdes/serdes.js';
import type { InternalTopologyBuilder } from '../../../topology/internals/internal-topology-builder.js';
import { GraphNode } from './graph-node.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';
import type { TableNode } from './table-nodes.js';

const FK_JOIN = 'KTABLE-FK-JOIN-';

/** The names of a foreign-key join's nodes, topics and store, in Kafka Streams' order and form. */
interface ForeignKeyJoinNames {
  readonly subscriptionTopic: string;
  readonly send: string;
  readonly subscriptionSink: string;
  readonly subscriptionSource: string;
  readonly subscriptionStore: string;
  readonly receive: string;
  readonly joinForeign: string;
  readonly foreignJoin: string;
  readonly responseTopic: string;
  readonly responseSink: string;
  readonly responseSource: string;
  readonly resolver: string;
}

export interface ForeignKeyJoinSpec<K, V, KO, VO, VR> {
  readonly primary: TableNode<K, V>;
  readonly foreign: TableNode<KO, VO>;
  readonly foreignKeyExtractor: (value: V, key: K) => KO | null;
  readonly joiner: (value: V | null, foreignValue: VO | null) => VR;
  readonly leftJoin: boolean;
  readonly primaryKeySerde: Serde<K> | undefined;
  readonly primaryValueSerde: Serde<V> | undefined;
  readonly foreignKeySerde: Serde<KO> | undefined;
  readonly foreignValueSerde: Serde<VO> | undefined;
}

/**
 * KTable.join / leftJoin by foreign key (Kafka Streams' doJoinOnForeignKey, KIP-213). The primary
 * table's updates become subscriptions on `…-subscription-registration-topic`, partitioned by foreign
 * key and co-partitioned with the foreign table, whose side keeps them in a logged subscription
 * store; answers come back on `…-subscription-response-topic` to the primary record's partition.
 * This node is the response resolver; the result table (a table source) follows it.
 */
export class ForeignKeyJoinNode<K, V, KO, VO, VR> extends GraphNode {
  private readonly primaryValues: KTableValueGetterSupplier<K, V>;
  private readonly foreignValues: KTableValueGetterSupplier<KO, VO>;

  private constructor(
    private readonly names: ForeignKeyJoinNames,
    private readonly spec: ForeignKeyJoinSpec<K, V, KO, VO, VR>,
  ) {
    super(names.resolver, [spec.primary, spec.foreign], false, false);
    // Both sides are read through their value getters; the primary side's changes need old values.
    this.primaryValues = spec.primary.valueGetterSupplier();
    this.foreignValues = spec.foreign.valueGetterSupplier();
    spec.primary.enableSendingOldValues();
    spec.foreign.enableSendingOldValues();
  }

  /** Takes the names in Kafka Streams' order; `named` gives `<name>-subscription-registration-topic` and so on. */
  static create<K, V, KO, VO, VR>(
    graph: InternalStreamsBuilder,
    named: string | undefined,
    spec: ForeignKeyJoinSpec<K, V, KO, VO, VR>,
  ): ForeignKeyJoinNode<K, V, KO, VO, VR> {
    const name = (suffix: string, prefix: string) => graph.suffixedName(named, suffix, prefix);
    const names: ForeignKeyJoinNames = {
      subscriptionTopic: `${name('-subscription-registration', `${FK_JOIN}SUBSCRIPTION-REGISTRATION`)}-topic`,
      send: name('-subscription-registration-processor', `${FK_JOIN}SUBSCRIPTION-REGISTRATION`),
      subscriptionSink: name('-subscription-registration-sink', 'KTABLE-SINK'),
      subscriptionSource: name('-subscription-registration-source', 'KTABLE-SOURCE'),
      subscriptionStore: name('-subscription-store', `${FK_JOIN}SUBSCRIPTION-STATE-STORE`),
      receive: name('-subscription-receive', `${FK_JOIN}SUBSCRIPTION-PROCESSOR`),
      joinForeign: name('-subscription-join-foreign', `${FK_JOIN}SUBSCRIPTION-PROCESSOR`),
      foreignJoin: name('-foreign-join-subscription', `${FK_JOIN}SUBSCRIPTION-PROCESSOR`),
      responseTopic: `${name('-subscription-response', `${FK_JOIN}SUBSCRIPTION-RESPONSE`)}-topic`,
      responseSink: name('-subscription-response-sink', 'KTABLE-SINK'),
      responseSource: name('-subscription-response-source', 'KTABLE-SOURCE'),
      resolver: name('-subscription-response-resolver', `${FK_JOIN}SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR`),
    };
    return new ForeignKeyJoinNode(names, spec);
  }

  protected writeTo(builder: InternalTopologyBuilder): void {
    const { names, spec } = this;
    const hash = valueHasher(spec.primaryValueSerde);
    const responseSerde = subscriptionResponseSerde(spec.foreignValueSerde) as Serde<unknown>;

    // Primary side: subscriptions out, partitioned as the foreign table's topic is (its key serde).
    builder.addProcessor(
      names.send,
      subscriptionSendSupplier(spec.foreignKeyExtractor, hash, spec.leftJoin),
      [spec.primary.nodeName],
    );
    builder.addRepartitionTopic(names.subscriptionTopic, undefined);
    const foreignKeySerde = spec.foreignKeySerde as Serde<unknown> | undefined;
    builder.addSink(
      names.subscriptionSink,
      names.subscriptionTopic,
      [names.send],
      foreignKeySerde,
      subscriptionSerde,
    );

    // Foreign side: the subscription store, answers to subscriptions and to foreign-row changes.
    builder.addSource(
      names.subscriptionSource,
      [names.subscriptionTopic],
      foreignKeySerde,
      subscriptionSerde,
    );
    builder.addStateStore(
      new TimestampedKeyValueStoreBuilder(names.subscriptionStore, Serdes.Bytes(), subscriptionSerde)
        .withStoreType('persistent')
        .withLoggingEnabled(),
    );
    builder.addProcessor(names.receive, subscriptionReceiveSupplier(names.subscriptionStore), [
      names.subscriptionSource,
    ]);
    builder.connectProcessorAndStateStores(names.receive, names.subscriptionStore);
    builder.markCopartitioned(names.receive);
    builder.addProcessor(names.joinForeign, subscriptionJoinSupplier(this.foreignValues), [names.receive]);
    builder.connectProcessorAndStateStores(names.joinForeign, ...this.foreignValues.storeNames);
    builder.addProcessor(names.foreignJoin, foreignTableJoinSupplier(names.subscriptionStore), [
      spec.foreign.nodeName,
    ]);
    builder.connectProcessorAndStateStores(names.foreignJoin, names.subscriptionStore);

    // Answers go back to the partition the subscription came from.
    builder.addRepartitionTopic(names.responseTopic, undefined);
    builder.addSink(
      names.responseSink,
      names.responseTopic,
      [names.joinForeign, names.foreignJoin],
      spec.primaryKeySerde as Serde<unknown> | undefined,
      responseSerde,
      (_topic, _key, response) => (response as SubscriptionResponse<VO>).primaryPartition,
    );

    // Primary side again: resolve each answer against the current primary row.
    builder.addSource(
      names.responseSource,
      [names.responseTopic],
      spec.primaryKeySerde as Serde<unknown> | undefined,
      responseSerde,
    );
    builder.addProcessor(
      this.nodeName,
      responseJoinSupplier(this.primaryValues, hash, spec.joiner, spec.leftJoin),
      [names.responseSource],
    );
    builder.connectProcessorAndStateStores(this.nodeName, ...this.primaryValues.storeNames);
    builder.markCopartitioned(this.nodeName);
  }
}
