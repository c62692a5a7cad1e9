import { OuterJoinStoreBuilder } from '../../../state-stores/outer-join-store.js';
import type { StateStore } from '../../../state-stores/state-store.js';
import type { StoreBuilder } from '../../../state-stores/store-builder.js';
import { WindowStoreBuilder } from '../../../state-stores/window-store-builder.js';
import type { StreamJoiner } from '../../processor/internals/stream-join-processors.js';
import type { Serde } from '../../serdes/serde.js';
import type { JoinWindows } from '../join-windows.js';
import type { StreamJoined } from '../stream-joined.js';
import type { GraphNode } from './graph/graph-node.js';
import type { InternalStreamsBuilder } from './graph/internal-streams-builder.js';
import { RepartitionNode } from './graph/repartition-node.js';
import { StreamJoinNode } from './graph/stream-join-node.js';

export interface StreamJoinInput {
  readonly node: GraphNode;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
}

/**
 * Adds a stream-stream join to the graph, named as Kafka Streams' KStreamImpl.doJoin and
 * KStreamImplJoin name it: a re-keyed side is repartitioned first (`<name>-left` / `-right`, else
 * after the node before it), then windowed nodes, join nodes and a merge node, with window stores
 * `<join node>-store` (or `<storeName>-this-join-store`...) and, for left and outer joins, the
 * shared store of records waiting for a partner. Returns the merge node.
 */
export function addStreamJoin<K, V, VO, VR>(
  graph: InternalStreamsBuilder,
  left: StreamJoinInput,
  right: StreamJoinInput,
  joiner: StreamJoiner<K, V, VO, VR>,
  windows: JoinWindows,
  joined: StreamJoined<K, V, VO> | undefined,
  leftOuter: boolean,
  rightOuter: boolean,
): GraphNode {
  const name = joined?.name;
  const keySerde = (joined?.keySerde ?? left.keySerde) as Serde<unknown> | undefined;
  const valueSerde = (joined?.valueSerde ?? left.valueSerde) as Serde<unknown> | undefined;
  const otherValueSerde = (joined?.otherValueSerde ?? right.valueSerde) as Serde<unknown> | undefined;
  const repartitioned = (side: StreamJoinInput, suffix: string, values: Serde<unknown> | undefined) =>
    side.node.repartitionRequired
      ? graph.add(
          RepartitionNode.forStream(
            graph,
            side.node,
            name === undefined ? side.node.nodeName : name + suffix,
            {
              keySerde,
              valueSerde: values,
            },
          ),
        )
      : side.node;
  const leftNode = repartitioned(left, '-left', valueSerde);
  const rightNode = repartitioned(right, '-right', otherValueSerde);

  const thisSuffix = rightOuter ? '-outer-this-join' : '-this-join';
  const otherSuffix = leftOuter ? '-outer-other-join' : '-other-join';
  const thisWindowed = graph.suffixedName(name, '-this-windowed', 'KSTREAM-WINDOWED');
  const otherWindowed = graph.suffixedName(name, '-other-windowed', 'KSTREAM-WINDOWED');
  const thisGenerated = graph.newProcessorName(rightOuter ? 'KSTREAM-OUTERTHIS' : 'KSTREAM-JOINTHIS');
  const otherGenerated = graph.newProcessorName(leftOuter ? 'KSTREAM-OUTEROTHER' : 'KSTREAM-JOINOTHER');
  const merge = graph.suffixedName(name, '-merge', 'KSTREAM-MERGE');
  const names = {
    thisWindowed,
    otherWindowed,
    joinThis: name === undefined ? thisGenerated : name + thisSuffix,
    joinOther: name === undefined ? otherGenerated : name + otherSuffix,
    merge,
  };

  const base = joined?.storeName;
  const windowStore = (generated: string, suffix: string, values: Serde<unknown> | undefined) =>
    joinStore(
      new WindowStoreBuilder(
        `${base === undefined ? generated : base + suffix}-store`,
        // Kafka Streams' window store of a join: window = before + after, kept for window + grace.
        {
          windowSizeMs: Math.max(1, windows.sizeMs),
          retentionMs: Math.max(1, windows.sizeMs + windows.graceMs),
          retainDuplicates: true,
        },
        keySerde,
        values,
      ),
      joined,
    );
  const sharedSuffix = rightOuter ? '-outer-shared-join' : '-left-shared-join';
  const sharedGenerated = `KSTREAM-OUTERSHARED-${thisGenerated.slice(thisGenerated.lastIndexOf('-') + 1)}`;
  const stores = {
    thisWindow: windowStore(thisGenerated, thisSuffix, valueSerde),
    otherWindow: windowStore(otherGenerated, otherSuffix, otherValueSerde),
    outer: leftOuter
      ? joinStore(
          new OuterJoinStoreBuilder(
            `${base === undefined ? sharedGenerated : base + sharedSuffix}-store`,
            keySerde,
            valueSerde,
            otherValueSerde,
          ),
          joined,
        )
      : undefined,
  };
  return graph.add(
    new StreamJoinNode<K, V, VO, VR>(
      names,
      leftNode,
      rightNode,
      windows,
      leftOuter,
      rightOuter,
      joiner,
      stores,
    ),
  );
}

/** A join's stores: on disk, never cached, logged unless StreamJoined turns logging off. */
function joinStore<S extends StateStore>(
  store: StoreBuilder<S> & { withStoreType(type: 'persistent'): StoreBuilder<S> },
  joined: StreamJoined<unknown, unknown, unknown> | undefined,
): StoreBuilder<StateStore> {
  const typed = store.withStoreType('persistent').withCachingDisabled();
  return joined?.loggingEnabled === false ? typed.withLoggingDisabled() : typed;
}
