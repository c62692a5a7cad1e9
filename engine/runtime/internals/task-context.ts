import type { StateStore } from '../../../state-stores/state-store.js';
import { StreamsError } from '../../errors.js';
import type {
  Cancellable,
  FixedKeyProcessorContext,
  ProcessorContext,
  PunctuationType,
  Punctuator,
  RecordMetadata,
} from '../../processor/processor.js';
import type { FixedKeyRecord, Record } from '../../processor/record.js';
import type { TaskId } from '../../task-id.js';
import type { PunctuationQueue } from './punctuation.js';

/** A node of a task's running graph. */
export interface RuntimeNode {
  readonly name: string;
  readonly children: RuntimeNode[];
  readonly process: (record: Record<unknown, unknown>) => void;
}

/** What all node contexts of one task share: the record being processed, stream time, stores. */
export interface TaskContext {
  readonly applicationId: string;
  readonly taskId: TaskId;
  readonly punctuations: PunctuationQueue;
  readonly stores: Map<string, StateStore>;
  /** The instance's global stores: every processor may read them without being connected. */
  readonly globalStores: ReadonlyMap<string, StateStore>;
  metadata: RecordMetadata | null;
  /**
   * The timestamp of the record the running node processes (Kafka Streams' context.timestamp()):
   * a forward sets it to the forwarded record's for the children, so a store written downstream
   * stamps what it writes with the record that wrote it, not the input record.
   */
  recordTimestampMs: number;
  streamTimeMs: number;
  commitRequested: boolean;
  wallClockMs(): number;
  recordDropped(reason: string): void;
}

/**
 * The context one processor node sees. Each node has its own, so `forward` goes straight to that
 * node's children without a "current node" to save and restore.
 */
export class NodeContext
  implements ProcessorContext<unknown, unknown>, FixedKeyProcessorContext<unknown, unknown>
{
  constructor(
    private readonly task: TaskContext,
    private readonly node: RuntimeNode,
    private readonly allowedStores: readonly string[],
  ) {}

  get applicationId(): string {
    return this.task.applicationId;
  }

  get taskId(): TaskId {
    return this.task.taskId;
  }

  forward(record: Record<unknown, unknown> | FixedKeyRecord<unknown, unknown>, childName?: string): void {
    const children = this.node.children;
    const task = this.task;
    const saved = task.recordTimestampMs;
    task.recordTimestampMs = record.timestampMs;
    try {
      if (childName !== undefined) {
        const child = children.find((c) => c.name === childName);
        if (!child) {
          throw new StreamsError(
            `${this.node.name} forwarded to child ${childName}, which is not one of its children (${children.map((c) => c.name).join(', ') || 'none'})`,
          );
        }
        child.process(record as Record<unknown, unknown>);
        return;
      }
      for (let i = 0; i < children.length; i++) children[i]!.process(record as Record<unknown, unknown>);
    } finally {
      task.recordTimestampMs = saved;
    }
  }

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    if (!(intervalMs >= 1))
      throw new StreamsError(
        `${this.node.name}: punctuation interval must be at least 1 ms, got ${intervalMs}`,
      );
    const task = this.task;
    const schedule = {
      type,
      intervalMs,
      punctuator,
      // Stream time aligns to 0 and fires on the first record; wall-clock starts one interval from now.
      nextMs: type === 'stream-time' ? 0 : task.wallClockMs() + intervalMs,
      cancelled: false,
      run: (timestampMs: number) => {
        const saved = task.metadata;
        const savedTimestampMs = task.recordTimestampMs;
        task.metadata = null;
        task.recordTimestampMs = timestampMs;
        try {
          punctuator(timestampMs);
        } finally {
          task.metadata = saved;
          task.recordTimestampMs = savedTimestampMs;
        }
      },
      cancel() {
        schedule.cancelled = true;
      },
    };
    task.punctuations.add(schedule);
    return schedule;
  }

  getStateStore<S extends StateStore>(name: string): S {
    const global = this.task.globalStores.get(name);
    if (global) return global as S;
    const store = this.task.stores.get(name);
    if (!store)
      throw new StreamsError(`${this.node.name}: no state store named ${name} in task ${this.task.taskId}`);
    if (!this.allowedStores.includes(name)) {
      throw new StreamsError(
        `processor ${this.node.name} has no access to state store ${name}; connect it (process(supplier, '${name}') or connectProcessorAndStateStores)`,
      );
    }
    return store as S;
  }

  recordMetadata(): RecordMetadata | null {
    return this.task.metadata;
  }

  currentStreamTimeMs(): number {
    return this.task.streamTimeMs;
  }

  currentSystemTimeMs(): number {
    return this.task.wallClockMs();
  }

  commit(): void {
    this.task.commitRequested = true;
  }

  /** Internal (built-in processors): counts a record skipped on purpose in the dropped-records metric. */
  recordDropped(reason: string): void {
    this.task.recordDropped(reason);
  }
}
