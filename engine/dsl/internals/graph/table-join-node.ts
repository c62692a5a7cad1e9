import type { StateStore } from '../../../../state-stores/state-store.js';
import type { StoreBuilder } from '../../../../state-stores/store-builder.js';
import {
  joinedValueGetter,
  type OldValues,
  type SideJoiner,
  type TableJoinSide,
  tableJoinMergeSupplier,
  tableJoinSupplier,
} from '../../../processor/internals/table-join-processors.js';
import {
  type KTableValueGetterSupplier,
  storeValueGetter,
} from '../../../processor/internals/value-getters.js';
import type { InternalTopologyBuilder } from '../../../topology/internals/internal-topology-builder.js';
import { GraphNode } from './graph-node.js';
import type { TableNode } from './table-nodes.js';

export type TableJoinKind = 'inner' | 'left' | 'outer';

/** The processor each side runs: a left join's other side keeps the left rows ("right"). */
const SIDES: Record<TableJoinKind, readonly [TableJoinSide, TableJoinSide]> = {
  inner: ['inner', 'inner'],
  left: ['left', 'right'],
  outer: ['outer', 'outer'],
};

/**
 * KTable.join / leftJoin / outerJoin, as Kafka Streams' KTableKTableJoinNode: each side's updates
 * look the other side up through its value getter (`<name>-join-this`, `-join-other`), and a merge
 * node (this node) forwards both as the result table, kept in a store only when materialized.
 */
export class TableJoinNode<K, V, VO, VR> extends GraphNode implements TableNode<K, VR> {
  private readonly oldValues: OldValues = { sent: false };
  private readonly thisValues: KTableValueGetterSupplier<K, V>;
  private readonly otherValues: KTableValueGetterSupplier<K, VO>;

  constructor(
    mergeName: string,
    private readonly joinThisName: string,
    private readonly joinOtherName: string,
    private readonly left: TableNode<K, V>,
    private readonly right: TableNode<K, VO>,
    private readonly kind: TableJoinKind,
    private readonly joiner: SideJoiner<V, VO, VR>,
    private readonly store: StoreBuilder<StateStore> | undefined,
  ) {
    super(mergeName, [left, right], false, false);
    this.thisValues = left.valueGetterSupplier();
    this.otherValues = right.valueGetterSupplier();
    // A side whose rows the result keeps must say when a row went away, which takes its old value.
    if (kind !== 'inner') left.enableSendingOldValues();
    if (kind === 'outer') right.enableSendingOldValues();
  }

  valueGetterSupplier(): KTableValueGetterSupplier<K, VR> {
    return this.store
      ? storeValueGetter<K, VR>(this.store.name)
      : joinedValueGetter(this.kind, this.thisValues, this.otherValues, this.joiner);
  }

  enableSendingOldValues(): void {
    this.oldValues.sent = true;
    this.left.enableSendingOldValues();
    this.right.enableSendingOldValues();
  }

  protected writeTo(builder: InternalTopologyBuilder): void {
    const [thisSide, otherSide] = SIDES[this.kind];
    const { joiner, oldValues } = this;
    builder.addProcessor(
      this.joinThisName,
      tableJoinSupplier(thisSide, this.otherValues, joiner, oldValues),
      [this.left.nodeName],
    );
    builder.addProcessor(
      this.joinOtherName,
      tableJoinSupplier<K, VO, V, VR>(otherSide, this.thisValues, (o, v) => joiner(v, o), oldValues),
      [this.right.nodeName],
    );
    builder.connectProcessorAndStateStores(this.joinThisName, ...this.otherValues.storeNames);
    builder.connectProcessorAndStateStores(this.joinOtherName, ...this.thisValues.storeNames);
    builder.markCopartitioned(this.joinThisName);
    builder.addProcessor(this.nodeName, tableJoinMergeSupplier<K, VR>(this.store?.name, oldValues), [
      this.joinThisName,
      this.joinOtherName,
    ]);
    if (this.store) builder.addStateStore(this.store, this.nodeName);
  }
}
