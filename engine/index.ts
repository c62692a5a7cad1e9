// The public API of rivulet: everything an application imports comes from here.

export type { KeyValue, KeyValueStore, ReadOnlyKeyValueStore } from '../state-stores/key-value-store.js';
export type {
  KeyValueStoreBuilder,
  TimestampedKeyValueStoreBuilder,
} from '../state-stores/key-value-store-builder.js';
export type { StateRestoreListener } from '../state-stores/restore-listener.js';
export type { ReadOnlySessionStore, SessionStore } from '../state-stores/session-store.js';
export type { SessionStoreBuilder } from '../state-stores/session-store-builder.js';
export type {
  ChangeLogger,
  RestoreCallback,
  StateStore,
  StateStoreContext,
  StoreOperation,
} from '../state-stores/state-store.js';
export type {
  BaseStoreBuilder,
  SerdeDefaults,
  StoreBuilder,
  StoreOptions,
  StoreType,
} from '../state-stores/store-builder.js';
export { Stores, type VersionedStoreSupplier } from '../state-stores/stores.js';
export type {
  ReadOnlyTimestampedKeyValueStore,
  TimestampedKeyValueStore,
  ValueAndTimestamp,
} from '../state-stores/value-and-timestamp.js';
export {
  PUT_RETURN_CODE_NOT_PUT,
  PUT_RETURN_CODE_VALID_TO_UNDEFINED,
  type ReadOnlyVersionedKeyValueStore,
  type VersionedKeyValueStore,
  type VersionedRecord,
} from '../state-stores/versioned-key-value-store.js';
export type { VersionedKeyValueStoreBuilder } from '../state-stores/versioned-key-value-store-builder.js';
export type { ReadOnlyWindowStore, WindowStore } from '../state-stores/window-store.js';
export type {
  TimestampedWindowStoreBuilder,
  WindowStoreBuilder,
  WindowStoreSpec,
} from '../state-stores/window-store-builder.js';
export type { Windowed } from '../state-stores/windowed.js';
export { Branched } from './dsl/branched.js';
export { BranchedKStream } from './dsl/branched-kstream.js';
export { CogroupedKStream } from './dsl/cogrouped-kstream.js';
export { Consumed } from './dsl/consumed.js';
export { EmitStrategy } from './dsl/emit-strategy.js';
export { GlobalKTable } from './dsl/global-ktable.js';
export { Grouped } from './dsl/grouped.js';
export { JoinWindows } from './dsl/join-windows.js';
export { Joined } from './dsl/joined.js';
export { KGroupedStream } from './dsl/kgrouped-stream.js';
export { KGroupedTable } from './dsl/kgrouped-table.js';
export { KStream } from './dsl/kstream.js';
export { KTable } from './dsl/ktable.js';
export { Materialized } from './dsl/materialized.js';
export { Named } from './dsl/named.js';
export { Produced } from './dsl/produced.js';
export { Repartitioned } from './dsl/repartitioned.js';
export { SessionWindowedCogroupedKStream } from './dsl/session-windowed-cogrouped-kstream.js';
export { SessionWindowedKStream } from './dsl/session-windowed-kstream.js';
export { SessionWindows } from './dsl/session-windows.js';
export { SlidingWindows } from './dsl/sliding-windows.js';
export { StreamJoined } from './dsl/stream-joined.js';
export { StreamsBuilder } from './dsl/streams-builder.js';
export { BufferConfig, type BufferFullStrategy, Suppressed } from './dsl/suppressed.js';
export { TableJoined } from './dsl/table-joined.js';
export { TimeWindowedCogroupedKStream } from './dsl/time-windowed-cogrouped-kstream.js';
export { TimeWindowedKStream } from './dsl/time-windowed-kstream.js';
export { TimeWindows } from './dsl/time-windows.js';
export {
  BufferFullError,
  ClientFatalError,
  ConfigError,
  InvalidStoreTypeError,
  RetriableError,
  StoreNotQueryableError,
  StreamsError,
  StreamsNotStartedError,
  TaskMigratedError,
  UnknownStateStoreError,
} from './errors.js';
export type { Logger } from './logger.js';
export {
  type EventSourcedAggregate,
  eventSourced,
  replayEvents,
} from './patterns/event-sourced-aggregate.js';
export { RETRY_HEADERS, type RetryOptions, withRetries } from './patterns/retries.js';
export {
  type SagaDefinition,
  type SagaEvent,
  type SagaMessage,
  type SagaReply,
  type SagaState,
  type SagaStatus,
  type SagaStep,
  saga,
} from './patterns/saga.js';
export type {
  Cancellable,
  FixedKeyProcessor,
  FixedKeyProcessorContext,
  FixedKeyProcessorSupplier,
  ProcessingContext,
  Processor,
  ProcessorContext,
  ProcessorSupplier,
  PunctuationType,
  Punctuator,
  RecordMetadata,
} from './processor/processor.js';
export { type FixedKeyRecord, type Header, type Headers, Record } from './processor/record.js';
export type { StreamPartitioner, TopicNameExtractor } from './processor/sink-types.js';
export {
  type ExtractorRecord,
  FailOnInvalidTimestamp,
  LogAndSkipOnInvalidTimestamp,
  type TimestampExtractor,
  UsePartitionTimeOnInvalidTimestamp,
  WallclockTimestampExtractor,
} from './processor/timestamp-extractor.js';
export { createTopics, type TopicDefinition } from './runtime/create-topics.js';
export { KafkaStreams, type KafkaStreamsState, type StateListener } from './runtime/kafka-streams.js';
export { RecordProducer, type RecordProducerConfig } from './runtime/record-producer.js';
export type {
  LagInfo,
  StoreChange,
  StoreChangeEvent,
  StoreChangesOptions,
  StoreChangesStarted,
  StoreDescription,
} from './runtime/store-changes.js';
export {
  type QueryableStoreKind,
  type QueryableStoreType,
  QueryableStoreTypes,
  StoreQueryParameters,
} from './runtime/store-query.js';
export type { StreamsApp, StreamsAppFactory } from './runtime/streams-app.js';
export type {
  ErrorHandling,
  KafkaDataPlane,
  ProcessingGuarantee,
  StreamsConfig,
  UncaughtExceptionResponse,
} from './runtime/streams-config.js';
export type { KeyQueryMetadata, StreamsMetadata, ThreadMetadata } from './runtime/streams-metadata.js';
export type { AvroSerdeOptions } from './serdes/avro-serde.js';
export type { RegistrySerdeOptions } from './serdes/registry/registry-serde.js';
export {
  type SchemaRegistryConfig,
  SchemaRegistryError,
} from './serdes/registry/schema-registry-client.js';
export {
  type SchemaRegistrySerdeOptions,
  SchemaRegistrySerdes,
} from './serdes/registry/schema-registry-serdes.js';
export type { SubjectNameStrategy } from './serdes/registry/subject-name-strategy.js';
export { type Serde, type SerdeKind, type SerdeUse, SerializationError } from './serdes/serde.js';
export { Serdes } from './serdes/serdes.js';
export { WindowedSerdes } from './serdes/windowed-serdes.js';
export { TaskId } from './task-id.js';
export { TestInputTopic } from './testing/test-input-topic.js';
export { TestOutputTopic } from './testing/test-output-topic.js';
export type { TestRecord } from './testing/test-record.js';
export { type TestDriverConfig, TopologyTestDriver } from './testing/topology-test-driver.js';
export type { TopicPartition } from './topic-partition.js';
export { type SinkOptions, type SourceOptions, Topology } from './topology/topology.js';
export {
  type GlobalStore,
  type Subtopology,
  TopologyDescription,
  type TopologyNode,
} from './topology/topology-description.js';
export { TopologyError } from './topology/topology-error.js';
export type { ClientSettings, ClientSettingValue } from './transport/client-settings.js';
export { EmbeddedLog, type EmbeddedRecord } from './transport/memory/embedded-log.js';
