import { join } from 'node:path';
import type { StateStore, StateStoreContext } from '../../../state-stores/state-store.js';
import { StreamsError } from '../../errors.js';
import { type Logger, RateLimitedLog } from '../../logger.js';
import type { Processor } from '../../processor/processor.js';
import { Record } from '../../processor/record.js';
import { FailOnInvalidTimestamp, type TimestampExtractor } from '../../processor/timestamp-extractor.js';
import type { Serde } from '../../serdes/serde.js';
import { TaskId } from '../../task-id.js';
import type { GlobalStoreDefinition } from '../../topology/internals/node-definitions.js';
import type { ConsumerRecord } from '../../transport/ports.js';
import { PunctuationQueue } from './punctuation.js';
import type { ErrorHandlingConfig } from './record-error-handler.js';
import { type StoreEnvironment, storeSerdeDefaults } from './store-environment.js';
import { NodeContext, type RuntimeNode, type TaskContext } from './task-context.js';

/** What the global stores need from the instance (or the TopologyTestDriver). */
export interface GlobalEnvironment extends StoreEnvironment {
  readonly defaultTimestampExtractor?: TimestampExtractor;
  readonly errorHandling: ErrorHandlingConfig;
  readonly logger: Logger;
  wallClockMs(): number;
  /** Where persistent global stores and their `.checkpoint` live. */
  readonly globalStateDir: string;
}

/** Global stores are not a task's; their store contexts and logs name this id. */
const GLOBAL_TASK_ID = new TaskId(-1, -1);

/** A global processor cannot schedule: nothing runs punctuations outside the tasks (as in Kafka Streams). */
class NoPunctuations extends PunctuationQueue {
  override add(): void {
    throw new StreamsError('a global store processor cannot schedule punctuations (as in Kafka Streams)');
  }
}

interface GlobalInput {
  readonly storeName: string;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly extractor: TimestampExtractor;
  readonly processor: Processor<unknown, unknown, unknown, unknown>;
  partitionTimeMs: number;
}

/**
 * The global stores of a topology and the processors that feed them (Kafka Streams' GlobalStateManager
 * and global processor nodes): `update` deserializes a record of a global topic, stamps it with the
 * source's timestamp extractor and runs the store's processor on it. Every instance holds all of
 * each global store; stream tasks read them without being connected to them.
 */
export class GlobalTask {
  readonly stores = new Map<string, StateStore>();
  /** Where persistent global stores and their `.checkpoint` live. */
  readonly directory: string;
  private readonly inputs = new Map<string, GlobalInput>();
  private readonly context: TaskContext;
  private readonly skips: RateLimitedLog;

  constructor(
    definitions: Iterable<GlobalStoreDefinition>,
    private readonly env: GlobalEnvironment,
  ) {
    this.directory = env.globalStateDir;
    this.skips = new RateLimitedLog(env.logger);
    this.context = {
      applicationId: env.applicationId,
      taskId: GLOBAL_TASK_ID,
      punctuations: new NoPunctuations(),
      stores: this.stores,
      globalStores: this.stores,
      metadata: null,
      recordTimestampMs: 0,
      streamTimeMs: -1,
      commitRequested: false,
      wallClockMs: env.wallClockMs,
      recordDropped: (reason) => this.recordDropped(reason),
    };
    const init: (() => void)[] = [];
    for (const def of definitions) {
      const store = def.store.build(storeSerdeDefaults(env));
      store.init(this.storeContext());
      this.stores.set(store.name, store);
      const processor = def.processor.supplier.get() as unknown as Processor<
        unknown,
        unknown,
        unknown,
        unknown
      >;
      const node: RuntimeNode = {
        name: def.processor.name,
        children: [],
        process: (r) => processor.process(r),
      };
      const context = new NodeContext(this.context, node, def.processor.stores);
      init.push(() => processor.init?.(context));
      const keySerde = def.source.keySerde ?? env.defaultKeySerde;
      const valueSerde = def.source.valueSerde ?? env.defaultValueSerde;
      if (!keySerde || !valueSerde)
        throw new StreamsError(
          `global store ${store.name}: no ${keySerde ? 'value' : 'key'} serde for its topic ${def.source.topics[0]}; pass serdes (Consumed.with) or set defaultKeySerde/defaultValueSerde in the config`,
        );
      this.inputs.set(def.source.topics[0]!, {
        storeName: store.name,
        keySerde,
        valueSerde,
        extractor:
          def.source.timestampExtractor ?? env.defaultTimestampExtractor ?? new FailOnInvalidTimestamp(),
        processor,
        partitionTimeMs: -1,
      });
    }
    for (const run of init) run();
  }

  /** The global topics, each feeding one store. */
  topics(): string[] {
    return [...this.inputs.keys()];
  }

  storeOfTopic(topic: string): StateStore {
    return this.stores.get(this.inputs.get(topic)!.storeName)!;
  }

  /**
   * Applies one record of a global topic to its store. A record that cannot be deserialized is
   * skipped (logged, counted) unless the deserialization handler is `fail`; global records are
   * never dead-lettered. A processing error always fails: a global store is every instance's copy.
   */
  update(raw: ConsumerRecord): void {
    const input = this.inputs.get(raw.topic);
    if (!input) throw new StreamsError(`internal: ${raw.topic} feeds no global store`);
    const { topic, partition, offset, headers } = raw;
    const context = this.context;
    context.metadata = { topic, partition, offset };
    let key: unknown;
    let value: unknown;
    try {
      key = input.keySerde.deserialize(topic, raw.key);
      value = input.valueSerde.deserialize(topic, raw.value);
    } catch (cause) {
      if (this.env.errorHandling.deserialization === 'fail')
        throw new StreamsError(
          `global store ${input.storeName}: cannot deserialize the record at ${topic}-${partition} offset ${offset}: ${(cause as Error).message}; fix the record or the serde, or set deserializationExceptionHandler to 'continue'`,
          { cause },
        );
      this.recordDropped('global-deserialization-error');
      return;
    }
    const timestampMs = input.extractor.extract(
      { topic, partition, offset, key, value, timestampMs: raw.timestampMs, headers },
      input.partitionTimeMs,
    );
    if (timestampMs < 0) {
      this.recordDropped('negative-timestamp');
      return;
    }
    if (timestampMs > input.partitionTimeMs) input.partitionTimeMs = timestampMs;
    context.recordTimestampMs = timestampMs;
    try {
      input.processor.process(new Record(key, value, timestampMs, headers));
    } catch (cause) {
      throw new StreamsError(
        `global store ${input.storeName}: processing the record at ${topic}-${partition} offset ${offset} failed: ${(cause as Error).message}`,
        { cause },
      );
    }
  }

  flush(): void {
    for (const store of this.stores.values()) store.flush();
  }

  close(): void {
    for (const input of this.inputs.values()) input.processor.close?.();
    for (const store of this.stores.values()) store.close();
  }

  private storeContext(): StateStoreContext {
    return {
      applicationId: this.env.applicationId,
      taskId: GLOBAL_TASK_ID,
      recordTimestampMs: () => this.context.recordTimestampMs,
      // Global stores have no cache: nothing downstream of them would see what a cache collapses.
      recordCache: null,
      storeDirectory: (storeName) => join(this.directory, storeName),
      observeLatency: (storeName, operation, seconds) =>
        this.env.metrics.storeOperationSeconds.observe({ store: storeName, operation }, seconds),
      register: () => null,
    };
  }

  private recordDropped(reason: string): void {
    this.env.metrics.droppedRecords.inc({ task: 'global', reason });
    const at = this.context.metadata;
    this.skips.warn(
      reason,
      { reason, record: at },
      `global store update skipped a record (${reason})${at ? ` at ${at.topic}-${at.partition} offset ${at.offset}` : ''}; counted in rivulet_dropped_records_total`,
    );
  }
}
