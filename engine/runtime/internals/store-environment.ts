import type { RecordCache } from '../../../state-stores/record-cache.js';
import type { SerdeDefaults } from '../../../state-stores/store-builder.js';
import { InternalSerde } from '../../serdes/internal-serde.js';
import type { Serde } from '../../serdes/serde.js';
import type { InternalTopologyBuilder } from '../../topology/internals/internal-topology-builder.js';
import type { StreamsMetrics } from './metrics.js';

/** What a task's stores need from the instance (or the TopologyTestDriver). */
export interface StoreEnvironment {
  readonly applicationId: string;
  readonly builder: InternalTopologyBuilder;
  readonly metrics: StreamsMetrics;
  readonly defaultKeySerde: Serde<unknown> | undefined;
  readonly defaultValueSerde: Serde<unknown> | undefined;
  /** The instance's write-back cache (null: no caching). */
  readonly recordCache: RecordCache | null;
  /** `<stateDir>/<applicationId>`: task directories for persistent stores go below it. */
  readonly applicationStateDir: string;
}

/** What a store built without serdes takes: the config's defaults, else the internal serde (its changelog is internal). */
export function storeSerdeDefaults(env: StoreEnvironment): SerdeDefaults {
  return {
    keySerde: env.defaultKeySerde ?? InternalSerde,
    valueSerde: env.defaultValueSerde ?? InternalSerde,
  };
}
