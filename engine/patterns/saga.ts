import type { KeyValueStore } from '../../state-stores/key-value-store.js';
import { Stores } from '../../state-stores/stores.js';
import type { KStream } from '../dsl/kstream.js';
import { Produced } from '../dsl/produced.js';
import type { ProcessorContext, ProcessorSupplier } from '../processor/processor.js';
import { Record } from '../processor/record.js';
import type { Serde } from '../serdes/serde.js';
import { Serdes } from '../serdes/serdes.js';

/** A message a saga sends: a step's request, a compensation, or the final command. */
export interface SagaMessage<K> {
  readonly topic: string;
  /** The saga's id when left out. */
  readonly key?: K;
  readonly value: unknown;
}

/** One step: the request that starts it, how long its answer may take, and how to undo it. */
export interface SagaStep<K, D> {
  readonly name: string;
  readonly timeoutMs: number;
  request(data: D, sagaId: K): SagaMessage<K>;
  /** Undoes the step once it succeeded (or may have: a step that timed out is undone too). */
  compensate?(data: D, sagaId: K): SagaMessage<K>;
}

/** What a participant's reply means to the saga. */
export interface SagaReply<D> {
  /** The step it answers. */
  readonly step: string;
  readonly succeeded: boolean;
  /** Merged into the saga's data (e.g. a payment id the compensation needs). */
  readonly data?: Partial<D>;
  /** Why it failed, for the saga's events. */
  readonly reason?: string;
}

/**
 * An orchestrated saga (ARCHITECTURE §11): steps run one after the other, each started by a request
 * and ended by a reply; when one fails or gets no reply in time, the steps done so far are undone
 * by their compensations, last first. Every transition is an event on `eventsTopic`, and each
 * saga's state is in the `name` store (queryable).
 */
export interface SagaDefinition<K, D, R> {
  /** Names the saga's store and its events. */
  readonly name: string;
  readonly keySerde: Serde<K>;
  readonly steps: readonly SagaStep<K, D>[];
  /** Which step a reply answers and whether it succeeded; null for a message that is not a reply. */
  interpret(reply: R): SagaReply<D> | null;
  /** Sent when every step succeeded (e.g. ConfirmOrder). */
  onCompleted?(data: D, sagaId: K): SagaMessage<K> | null;
  /** Sent after the compensations (e.g. CancelOrder). */
  onCompensated?(data: D, sagaId: K, reason: string): SagaMessage<K> | null;
  /** Where the saga's events go. */
  readonly eventsTopic: string;
  /** How often (wall-clock) running sagas are checked for a step past its timeout; 1000 ms by default. */
  readonly timeoutCheckIntervalMs?: number;
}

export type SagaStatus = 'running' | 'completed' | 'compensated';

/** A saga as its store keeps it. `data` must be JSON. */
export interface SagaState<K, D> {
  readonly sagaId: K;
  readonly data: D;
  readonly status: SagaStatus;
  /** The step under way (running), as an index into the steps. */
  readonly step: number;
  /** When the step under way times out (wall-clock ms). */
  readonly deadlineMs: number;
  readonly startedAtMs: number;
  readonly endedAtMs: number | null;
  /** Why it was compensated. */
  readonly reason: string | null;
}

/** A transition of a saga, as `eventsTopic` gets it (keyed by saga id). */
export interface SagaEvent<K> {
  readonly sagaId: K;
  readonly saga: string;
  readonly type:
    | 'SagaStarted'
    | 'StepRequested'
    | 'StepSucceeded'
    | 'StepFailed'
    | 'StepTimedOut'
    | 'CompensationRequested'
    | 'SagaCompleted'
    | 'SagaCompensated';
  readonly step: string | null;
  readonly reason: string | null;
  readonly timestampMs: number;
}

const DEFAULT_TIMEOUT_CHECK_MS = 1_000;

/** What the saga's processors send on: messages for participants, and its own events. */
type Outgoing = { readonly topic: string; readonly value: unknown };

/**
 * Runs a saga: `starts` (keyed by saga id, valued by its data) begin sagas — a start for an id
 * that has one is ignored — and `replies` (keyed by saga id) move them on. Requests,
 * compensations and the final messages go to their topics as JSON, keyed by saga id unless the
 * message names a key.
 */
export function saga<K, D, R>(
  starts: KStream<K, D>,
  replies: KStream<K, R>,
  definition: SagaDefinition<K, D, R>,
): void {
  const stateSerde = Serdes.Json<SagaState<K, D>>();
  const json = Serdes.Json<unknown>();
  // The envelope names the topic; only its value is written.
  const payloadSerde: Serde<Outgoing> = {
    serialize: (topic, envelope) => json.serialize(topic, envelope?.value ?? null),
    deserialize: () => {
      throw new Error('saga output is written, never read back');
    },
  };
  const store = Stores.keyValueStoreBuilder(definition.name, definition.keySerde, stateSerde).withStoreType(
    'persistent',
  );
  const fromStarts = starts.process(sagaProcessor(definition, { store, checksTimeouts: true }, 'start'));
  const fromReplies = replies.process(sagaProcessor(definition, { store, checksTimeouts: false }, 'reply'));
  for (const out of [fromStarts, fromReplies])
    out.to((_key, envelope) => envelope.topic, Produced.with(definition.keySerde, payloadSerde));
}

function sagaProcessor<K, D, R>(
  definition: SagaDefinition<K, D, R>,
  options: {
    readonly store: ReturnType<typeof Stores.keyValueStoreBuilder<K, SagaState<K, D>>>;
    readonly checksTimeouts: boolean;
  },
  input: 'start' | 'reply',
): ProcessorSupplier<K, D | R, K, Outgoing> {
  return {
    stores: () => [options.store],
    get() {
      let context: ProcessorContext<K, Outgoing>;
      let sagas: KeyValueStore<K, SagaState<K, D>>;
      /** Sends for one saga, with the timestamp of what moved it. */
      const sender = (sagaId: K, timestampMs: number) => ({
        message: (m: SagaMessage<K> | null | undefined) => {
          if (m)
            context.forward(new Record(m.key ?? sagaId, { topic: m.topic, value: m.value }, timestampMs));
        },
        event: (type: SagaEvent<K>['type'], step: string | null, reason: string | null = null) => {
          const event: SagaEvent<K> = {
            sagaId,
            saga: definition.name,
            type,
            step,
            reason,
            timestampMs: context.currentSystemTimeMs(),
          };
          context.forward(new Record(sagaId, { topic: definition.eventsTopic, value: event }, timestampMs));
        },
      });
      type Send = ReturnType<typeof sender>;

      /** Undoes the steps before `upTo` (and `upTo` itself if it may have happened), last first; then the final message. */
      const compensate = (
        state: SagaState<K, D>,
        upTo: number,
        includeCurrent: boolean,
        reason: string,
        send: Send,
      ) => {
        for (let i = includeCurrent ? upTo : upTo - 1; i >= 0; i--) {
          const step = definition.steps[i]!;
          if (!step.compensate) continue;
          send.message(step.compensate(state.data, state.sagaId));
          send.event('CompensationRequested', step.name);
        }
        send.message(definition.onCompensated?.(state.data, state.sagaId, reason));
        send.event('SagaCompensated', null, reason);
        return { ...state, status: 'compensated' as const, reason, endedAtMs: context.currentSystemTimeMs() };
      };

      /** Starts step `index`, or completes the saga after the last. */
      const advance = (state: SagaState<K, D>, index: number, send: Send): SagaState<K, D> => {
        const step = definition.steps[index];
        if (!step) {
          send.message(definition.onCompleted?.(state.data, state.sagaId));
          send.event('SagaCompleted', null);
          return { ...state, status: 'completed', endedAtMs: context.currentSystemTimeMs() };
        }
        send.message(step.request(state.data, state.sagaId));
        send.event('StepRequested', step.name);
        return { ...state, step: index, deadlineMs: context.currentSystemTimeMs() + step.timeoutMs };
      };

      return {
        init(ctx) {
          context = ctx;
          sagas = ctx.getStateStore(definition.name);
          if (!options.checksTimeouts) return;
          ctx.schedule(definition.timeoutCheckIntervalMs ?? DEFAULT_TIMEOUT_CHECK_MS, 'wall-clock', (now) => {
            const late = [...sagas.all()].filter(
              ({ value }) => value.status === 'running' && value.deadlineMs <= now,
            );
            for (const { key, value } of late) {
              const send = sender(key, now);
              const step = definition.steps[value.step]!;
              send.event('StepTimedOut', step.name, `no reply within ${step.timeoutMs} ms`);
              // The request may still have been carried out: its compensation runs too.
              sagas.put(key, compensate(value, value.step, true, `step ${step.name} timed out`, send));
            }
          });
        },
        process(record) {
          if (record.value === null) return;
          const send = sender(record.key, record.timestampMs);
          const state = sagas.get(record.key);
          if (input === 'start') {
            if (state) return; // one saga per id: a repeated start does nothing
            const now = context.currentSystemTimeMs();
            const started: SagaState<K, D> = {
              sagaId: record.key,
              data: record.value as D,
              status: 'running',
              step: 0,
              deadlineMs: now,
              startedAtMs: now,
              endedAtMs: null,
              reason: null,
            };
            send.event('SagaStarted', null);
            sagas.put(record.key, advance(started, 0, send));
            return;
          }
          const reply = definition.interpret(record.value as R);
          // Not a reply, no saga, a saga that ended, or a reply to another step (late or repeated): nothing to do.
          if (
            !reply ||
            !state ||
            state.status !== 'running' ||
            definition.steps[state.step]!.name !== reply.step
          )
            return;
          const data = { ...state.data, ...reply.data } as D;
          if (reply.succeeded) {
            send.event('StepSucceeded', reply.step);
            sagas.put(record.key, advance({ ...state, data }, state.step + 1, send));
          } else {
            const reason = reply.reason ?? `step ${reply.step} failed`;
            send.event('StepFailed', reply.step, reason);
            sagas.put(record.key, compensate({ ...state, data }, state.step, false, reason, send));
          }
        },
      };
    },
  };
}
