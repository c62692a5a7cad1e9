import { SuppressionBufferBuilder } from '../../../../state-stores/suppression-buffer.js';
import type { Windowed } from '../../../../state-stores/windowed.js';
import { suppressSupplier } from '../../../processor/internals/suppress-processor.js';
import {
  type KTableValueGetterSupplier,
  suppressedValueGetter,
} from '../../../processor/internals/value-getters.js';
import { InternalSerde } from '../../../serdes/internal-serde.js';
import type { Serde } from '../../../serdes/serde.js';
import type { InternalTopologyBuilder } from '../../../topology/internals/internal-topology-builder.js';
import { TopologyError } from '../../../topology/topology-error.js';
import type { Suppressed } from '../../suppressed.js';
import { GraphNode } from './graph-node.js';
import { AggregationNode, PassThroughTableNode, type TableNode } from './table-nodes.js';

/**
 * KTable.suppress, as Kafka Streams' TableSuppressNode: holds the table's updates in a buffer store
 * and forwards them later (at window close, or after a time limit). Joins read the suppressed table
 * as downstream saw it: a held key's prior value, else the parent's.
 */
export class SuppressNode<K, V> extends GraphNode implements TableNode<K, V> {
  private readonly store: SuppressionBufferBuilder<K, V>;
  private readonly holdMs: number;

  constructor(
    nodeName: string,
    storeName: string,
    private readonly parent: TableNode<K, V>,
    private readonly suppressed: Suppressed,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
  ) {
    super(nodeName, [parent], false, false);
    // The buffer keeps each held key's prior value, for joins that read the suppressed table (as Kafka Streams).
    parent.enableSendingOldValues();
    const store = new SuppressionBufferBuilder<K, V>(storeName, keySerde, valueSerde).withStoreType(
      'in-memory',
    );
    this.store = suppressed.bufferConfig.loggingEnabled ? store : store.withLoggingDisabled();
    this.holdMs = suppressed.kind === 'window-close' ? windowCloseDelay(parent, '') : suppressed.timeLimitMs;
  }

  valueGetterSupplier(): KTableValueGetterSupplier<K, V> {
    return suppressedValueGetter(this.parent.valueGetterSupplier(), this.store.name);
  }

  enableSendingOldValues(): void {
    this.parent.enableSendingOldValues();
  }

  protected writeTo(builder: InternalTopologyBuilder): void {
    const { bufferConfig, kind } = this.suppressed;
    const supplier = suppressSupplier<K, V>({
      nodeName: this.nodeName,
      storeName: this.store.name,
      bufferTimeOf:
        kind === 'window-close'
          ? (key) => (key as Windowed<unknown>).endMs
          : (_key, timestampMs) => timestampMs,
      holdMs: this.holdMs,
      maxRecords: bufferConfig.maxRecords,
      maxBytes: bufferConfig.maxBytes,
      fullStrategy: bufferConfig.fullStrategy,
      dropTombstones: kind === 'window-close',
      keySerde: this.keySerde ?? (InternalSerde as Serde<K>),
      valueSerde: this.valueSerde ?? InternalSerde,
    });
    builder.addProcessor(this.nodeName, supplier, this.parentNames);
    builder.addStateStore(this.store, this.nodeName);
  }
}

/** Kafka Streams' GraphGraceSearchUtil: the close delay of the windowed aggregation(s) upstream. */
function windowCloseDelay(node: GraphNode, chain: string): number {
  if (
    (node instanceof AggregationNode || node instanceof PassThroughTableNode) &&
    node.windowCloseDelayMs !== undefined
  )
    return node.windowCloseDelayMs;
  const path = chain ? `${node.nodeName}->${chain}` : node.nodeName;
  if (node.parents.length === 0 || node instanceof AggregationNode) {
    throw new TopologyError(
      `suppress(untilWindowCloses) needs a windowed KTable (windowedBy(...) then an aggregation); got ${path}. For other tables use Suppressed.untilTimeLimit`,
    );
  }
  return Math.max(...node.parents.map((parent) => windowCloseDelay(parent, path)));
}
