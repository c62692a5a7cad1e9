import type { StateStore } from '../../state-stores/state-store.js';
import type { StoreBuilder } from '../../state-stores/store-builder.js';
import type { TaskId } from '../task-id.js';
import type { FixedKeyRecord, Record } from './record.js';

export type PunctuationType = 'stream-time' | 'wall-clock';
export type Punctuator = (timestampMs: number) => void;

export interface Cancellable {
  cancel(): void;
}

/** Where the record being processed came from; absent inside a wall-clock punctuation. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** What both processor contexts offer (Kafka Streams' ProcessingContext). */
export interface ProcessingContext {
  readonly applicationId: string;
  readonly taskId: TaskId;
  /** Runs `punctuator` every `intervalMs` of stream time (advanced by records) or wall-clock time. */
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  getStateStore<S extends StateStore>(name: string): S;
  recordMetadata(): RecordMetadata | null;
  /** The largest record timestamp this task has processed. */
  currentStreamTimeMs(): number;
  currentSystemTimeMs(): number;
  /** Asks for a commit as soon as possible (after the current record). */
  commit(): void;
}

export interface ProcessorContext<KForward = unknown, VForward = unknown> extends ProcessingContext {
  /** Sends a record to every child, or to the named child only. Synchronous: children run before this returns. */
  forward<K extends KForward, V extends VForward>(record: Record<K, V>, childName?: string): void;
}

export interface FixedKeyProcessorContext<KForward = unknown, VForward = unknown> extends ProcessingContext {
  forward<V extends VForward>(record: FixedKeyRecord<KForward, V>, childName?: string): void;
}

/** A node of the Processor API. `process` is synchronous: no awaiting per record. */
export interface Processor<KIn, VIn, KOut = never, VOut = never> {
  init?(context: ProcessorContext<KOut, VOut>): void;
  process(record: Record<KIn, VIn>): void;
  close?(): void;
}

export interface FixedKeyProcessor<KIn, VIn, VOut = never> {
  init?(context: FixedKeyProcessorContext<KIn, VOut>): void;
  process(record: FixedKeyRecord<KIn, VIn>): void;
  close?(): void;
}

/** Makes a new processor per task. `stores()` lets a supplier bring the stores it uses. */
export interface ProcessorSupplier<KIn, VIn, KOut = never, VOut = never> {
  get(): Processor<KIn, VIn, KOut, VOut>;
  stores?(): StoreBuilder<StateStore>[];
}

export interface FixedKeyProcessorSupplier<KIn, VIn, VOut = never> {
  get(): FixedKeyProcessor<KIn, VIn, VOut>;
  stores?(): StoreBuilder<StateStore>[];
}

/**
 * A processor supplier as the topology keeps it: which record types it takes is the graph's
 * business (the DSL connects matching nodes), so the node definitions erase them.
 */
export type AnyProcessorSupplier =
  | ProcessorSupplier<never, never, unknown, unknown>
  | FixedKeyProcessorSupplier<never, never, unknown>;
