import type { StateStore } from '../../../state-stores/state-store.js';
import type { StoreBuilder } from '../../../state-stores/store-builder.js';
import { passThroughSupplier } from '../../processor/internals/stream-processors.js';
import type { KTableValueGetterSupplier } from '../../processor/internals/value-getters.js';
import type { AnyProcessorSupplier } from '../../processor/processor.js';
import type { Serde } from '../../serdes/serde.js';
import type { CogroupAggregator, Cogrouped } from '../cogrouped-kstream.js';
import { KTable } from '../ktable.js';
import type { Named } from '../named.js';
import { ProcessorNode } from './graph/graph-node.js';
import { AggregationNode, PassThroughTableNode } from './graph/table-nodes.js';

export interface CogroupAggregationSpec<KT, K, VOut> {
  readonly storeName: string;
  readonly store: StoreBuilder<StateStore>;
  readonly getter: KTableValueGetterSupplier<KT, VOut>;
  /** The aggregation processor of one stream, over the shared store. */
  supplier(aggregator: CogroupAggregator<K, VOut>): AnyProcessorSupplier;
  readonly named: Named | undefined;
  /** The result table's key serde (windowed for windowed cogroups). */
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  /** Windowed cogroups: how long after a window's end it closes (suppress needs it). */
  readonly windowCloseDelayMs?: number;
}

/**
 * Kafka Streams' CogroupedStreamAggregateBuilder: one aggregation node per cogrouped stream, all
 * updating the one store (the first brings it), and a merge node that is the result table.
 */
export function cogroupAggregation<KT, K, VOut>(
  streams: readonly Cogrouped<K, VOut>[],
  spec: CogroupAggregationSpec<KT, K, VOut>,
): KTable<KT, VOut> {
  const { graph } = streams[0]!.grouped;
  const { storeName, named } = spec;
  const parents = streams.map((s) => s.grouped.input(storeName));
  const aggregates = streams.map(({ aggregator }, i) => {
    const name = graph.suffixedName(named?.name, `-cogroup-agg-${i}`, 'COGROUPKSTREAM-AGGREGATE');
    const supplier = spec.supplier(aggregator);
    return graph.add(
      i === 0
        ? new AggregationNode<KT, VOut>(name, parents[i]!, supplier, spec.store, spec.getter)
        : new ProcessorNode(name, [parents[i]!], supplier, { storeNames: [storeName] }),
    );
  });
  const mergeName = graph.suffixedName(named?.name, '-cogroup-merge', 'COGROUPKSTREAM-MERGE');
  const merge = graph.add(
    new PassThroughTableNode<KT, VOut>(mergeName, aggregates, passThroughSupplier(), spec.getter, {
      copartitioned: true,
      windowCloseDelayMs: spec.windowCloseDelayMs,
    }),
  );
  return new KTable<KT, VOut>(graph, merge, spec.keySerde, spec.valueSerde);
}
