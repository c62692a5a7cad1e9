import type { StateStore } from '../../../../state-stores/state-store.js';
import type { StoreBuilder } from '../../../../state-stores/store-builder.js';
import {
  joinWindowSupplier,
  type StreamJoiner,
  streamJoinSupplier,
  TimeTrackers,
} from '../../../processor/internals/stream-join-processors.js';
import { passThroughSupplier } from '../../../processor/internals/stream-processors.js';
import type { InternalTopologyBuilder } from '../../../topology/internals/internal-topology-builder.js';
import type { JoinWindows } from '../../join-windows.js';
import { GraphNode } from './graph-node.js';

/** The names Kafka Streams gives a stream-stream join's nodes and stores. */
export interface StreamJoinNames {
  readonly thisWindowed: string;
  readonly otherWindowed: string;
  readonly joinThis: string;
  readonly joinOther: string;
  readonly merge: string;
}

export interface StreamJoinStores {
  readonly thisWindow: StoreBuilder<StateStore>;
  readonly otherWindow: StoreBuilder<StateStore>;
  /** Left and outer joins: the records still waiting for a partner. */
  readonly outer: StoreBuilder<StateStore> | undefined;
}

/**
 * KStream.join / leftJoin / outerJoin(otherStream, ..., JoinWindows), as Kafka Streams'
 * StreamStreamJoinNode: each side's records pass a windowed node that keeps them in its window store,
 * then a join node that looks up the other side's store; a merge node (this node) forwards both.
 */
export class StreamJoinNode<K, V, VO, VR> extends GraphNode {
  constructor(
    private readonly names: StreamJoinNames,
    private readonly left: GraphNode,
    private readonly right: GraphNode,
    private readonly windows: JoinWindows,
    private readonly leftOuter: boolean,
    private readonly rightOuter: boolean,
    private readonly joiner: StreamJoiner<K, V, VO, VR>,
    private readonly stores: StreamJoinStores,
  ) {
    super(names.merge, [left, right], false, false);
  }

  protected writeTo(builder: InternalTopologyBuilder): void {
    const { names, stores, windows, joiner } = this;
    const trackers = new TimeTrackers();
    const outerStoreName = stores.outer?.name;
    const common = {
      windowBeforeMs: windows.beforeMs,
      windowAfterMs: windows.afterMs,
      graceMs: windows.graceMs,
      outerStoreName,
      joiner,
      trackers,
    };
    builder.addProcessor(names.thisWindowed, joinWindowSupplier(stores.thisWindow.name), [
      this.left.nodeName,
    ]);
    builder.addProcessor(names.otherWindowed, joinWindowSupplier(stores.otherWindow.name), [
      this.right.nodeName,
    ]);
    builder.addStateStore(stores.thisWindow, names.thisWindowed);
    builder.addStateStore(stores.otherWindow, names.otherWindowed);
    builder.addProcessor(
      names.joinThis,
      streamJoinSupplier<K, V, VO, V, VO, VR>({
        ...common,
        thisIsLeft: true,
        otherStoreName: stores.otherWindow.name,
        beforeMs: windows.beforeMs,
        afterMs: windows.afterMs,
        outer: this.leftOuter,
      }),
      [names.thisWindowed],
    );
    builder.addProcessor(
      names.joinOther,
      streamJoinSupplier<K, VO, V, V, VO, VR>({
        ...common,
        thisIsLeft: false,
        otherStoreName: stores.thisWindow.name,
        beforeMs: windows.afterMs,
        afterMs: windows.beforeMs,
        outer: this.rightOuter,
      }),
      [names.otherWindowed],
    );
    builder.connectProcessorAndStateStores(names.joinThis, stores.otherWindow.name);
    builder.connectProcessorAndStateStores(names.joinOther, stores.thisWindow.name);
    if (stores.outer) {
      builder.addStateStore(stores.outer, names.joinThis, names.joinOther);
    }
    builder.markCopartitioned(names.joinThis);
    builder.addProcessor(this.nodeName, passThroughSupplier(), [names.joinThis, names.joinOther]);
  }
}
