import type { Registry } from 'prom-client';
import type { KeyValue, KeyValueStore, ReadOnlyKeyValueStore } from '../../state-stores/key-value-store.js';
import type { Serde } from '../serdes/serde.js';
import { compileSubtopologies } from '../topology/internals/subtopologies.js';
import type { Topology } from '../topology/topology.js';
import { KafkaTransport } from '../transport/kafka/kafka-transport.js';
import { MemoryTransport } from '../transport/memory/memory-transport.js';
import type { Transport } from '../transport/ports.js';
import { ensureDeadLetterTopic, setUpTopics } from './internals/internal-topic-setup.js';
import { topicResolver } from './internals/internal-topics.js';
import { StreamsMetrics } from './internals/metrics.js';
import { StreamThread } from './internals/stream-thread.js';
import { type ResolvedStreamsConfig, resolveConfig, type StreamsConfig } from './streams-config.js';
import { StreamsError } from './streams-error.js';

export type KafkaStreamsState =
  | 'CREATED'
  | 'REBALANCING'
  | 'RUNNING'
  | 'PENDING_SHUTDOWN'
  | 'NOT_RUNNING'
  | 'PENDING_ERROR'
  | 'ERROR';

export type StateListener = (newState: KafkaStreamsState, oldState: KafkaStreamsState) => void;

const TRANSITIONS: Record<KafkaStreamsState, readonly KafkaStreamsState[]> = {
  CREATED: ['REBALANCING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
  REBALANCING: ['RUNNING', 'REBALANCING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
  RUNNING: ['REBALANCING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
  PENDING_SHUTDOWN: ['NOT_RUNNING'],
  NOT_RUNNING: [],
  PENDING_ERROR: ['ERROR'],
  ERROR: [],
};

/**
 * A running instance of a topology: one consumer, one producer and the tasks of the partitions
 * it is assigned. Start several (in this process or others) with the same applicationId to share
 * the work; they rebalance as they come and go.
 */
export class KafkaStreams {
  private readonly config: ResolvedStreamsConfig;
  private readonly metricsImpl = new StreamsMetrics();
  private currentState: KafkaStreamsState = 'CREATED';
  private readonly listeners: StateListener[] = [];
  private thread: StreamThread | null = null;
  private fatalError: Error | null = null;

  constructor(
    private readonly topology: Topology,
    config: StreamsConfig,
  ) {
    this.config = resolveConfig(config);
  }

  state(): KafkaStreamsState {
    return this.currentState;
  }

  /** The error that moved the instance to ERROR, if any. */
  error(): Error | null {
    return this.fatalError;
  }

  setStateListener(listener: StateListener): void {
    this.listeners.push(listener);
  }

  metrics(): Registry {
    return this.metricsImpl.registry;
  }

  /**
   * Creates the internal topics, joins the group and starts processing in the background.
   * Resolves once the instance has joined; `waitForState('RUNNING')` waits for its first assignment.
   */
  async start(): Promise<void> {
    if (this.currentState !== 'CREATED')
      throw new StreamsError(
        `start(): the instance is ${this.currentState}; create a new one to start again`,
      );
    this.transition('REBALANCING');
    try {
      const builder = this.topology.internal;
      const subtopologies = compileSubtopologies(builder);
      const transport = this.transport();
      const admin = transport.admin();
      try {
        await setUpTopics(
          builder,
          subtopologies,
          this.config.applicationId,
          admin,
          this.config.replicationFactor,
        );
        await ensureDeadLetterTopic(admin, this.config.errorHandling, this.config.replicationFactor);
      } finally {
        await admin.close();
      }
      const resolve = topicResolver(this.config.applicationId, builder);
      this.thread = new StreamThread(this.config, builder, subtopologies, transport, this.metricsImpl, {
        onRebalancing: () => this.transitionIfAlive('REBALANCING'),
        onRunning: () => this.transitionIfAlive('RUNNING'),
      });
      await this.thread.start(subtopologies.flatMap((s) => s.sourceTopics.map(resolve)));
    } catch (err) {
      this.fail(err as Error);
      throw err;
    }
    this.thread.done.catch((err: Error) => this.fail(err));
  }

  /** Resolves when the instance reaches `state`; rejects if it ends in ERROR or the time runs out. */
  waitForState(state: KafkaStreamsState, timeoutMs = 30_000): Promise<void> {
    if (this.currentState === state) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new StreamsError(
              `instance did not reach ${state} within ${timeoutMs} ms (it is ${this.currentState})`,
            ),
          ),
        timeoutMs,
      );
      this.listeners.push((next) => {
        if (next === state) {
          clearTimeout(timer);
          resolve();
        } else if (next === 'ERROR') {
          clearTimeout(timer);
          reject(this.fatalError ?? new StreamsError('instance failed'));
        }
      });
    });
  }

  /** Finishes the current batch, commits, leaves the group. Resolves false if it took longer than `timeoutMs`. */
  async close(options: { timeoutMs?: number } = {}): Promise<boolean> {
    if (this.currentState === 'NOT_RUNNING' || this.currentState === 'ERROR') return true;
    if (this.currentState !== 'PENDING_SHUTDOWN') this.transition('PENDING_SHUTDOWN');
    this.thread?.stop();
    const done = (this.thread?.done ?? Promise.resolve()).then(
      () => true,
      () => true,
    );
    const timeout = new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(false), options.timeoutMs ?? 60_000).unref(),
    );
    const finished = await Promise.race([done, timeout]);
    if (this.currentState === 'PENDING_SHUTDOWN') this.transition('NOT_RUNNING');
    return finished;
  }

  /**
   * A read-only view of a key-value store across this instance's active tasks. Reads see every
   * local partition; keys hosted by other instances are not here (see queryMetadataForKey).
   */
  store<K, V>(name: string): ReadOnlyKeyValueStore<K, V> {
    if (!this.topology.internal.stores.has(name))
      throw new StreamsError(`no state store named ${name} in the topology`);
    const locals = (): KeyValueStore<K, V>[] => {
      if (this.currentState !== 'RUNNING') {
        throw new StreamsError(
          `store ${name} cannot be queried while the instance is ${this.currentState}; retry when it is RUNNING`,
        );
      }
      return [...(this.thread?.taskManager.tasks.values() ?? [])]
        .map((t) => t.state.stores.get(name) as KeyValueStore<K, V> | undefined)
        .filter((s): s is KeyValueStore<K, V> => s !== undefined);
    };
    const merge = function* (pick: (s: KeyValueStore<K, V>) => IterableIterator<KeyValue<K, V>>) {
      for (const s of locals()) yield* pick(s);
    };
    return {
      get: (key) => {
        for (const s of locals()) {
          const v = s.get(key);
          if (v !== null) return v;
        }
        return null;
      },
      range: (from, to) => merge((s) => s.range(from, to)),
      reverseRange: (from, to) => merge((s) => s.reverseRange(from, to)),
      all: () => merge((s) => s.all()),
      reverseAll: () => merge((s) => s.reverseAll()),
      prefixScan: <P>(prefix: P, serde: Serde<P>) => merge((s) => s.prefixScan(prefix, serde)),
      approximateNumEntries: () => locals().reduce((n, s) => n + s.approximateNumEntries(), 0),
    };
  }

  /** The partitions this instance's active tasks own, as `taskId` strings (e.g. `0_3`). */
  activeTaskIds(): string[] {
    return [...(this.thread?.taskManager.tasks.keys() ?? [])].sort();
  }

  private transport(): Transport {
    const servers = this.config.bootstrapServers;
    if (servers.startsWith('memory://')) {
      const name = servers.slice('memory://'.length);
      if (!name)
        throw new StreamsError("config bootstrapServers: 'memory://' needs a name, e.g. 'memory://shop'");
      return new MemoryTransport(name);
    }
    return new KafkaTransport(servers);
  }

  private fail(err: Error): void {
    if (this.currentState === 'ERROR') return;
    this.fatalError = err;
    if (this.currentState !== 'PENDING_ERROR') this.transition('PENDING_ERROR');
    this.transition('ERROR');
  }

  private transitionIfAlive(next: KafkaStreamsState): void {
    if (this.currentState === 'REBALANCING' || this.currentState === 'RUNNING') this.transition(next);
  }

  private transition(next: KafkaStreamsState): void {
    const previous = this.currentState;
    if (previous === next && next !== 'REBALANCING') return;
    if (!TRANSITIONS[previous].includes(next))
      throw new StreamsError(`internal: invalid state transition ${previous} -> ${next}`);
    this.currentState = next;
    for (const listener of [...this.listeners]) listener(next, previous);
  }
}
