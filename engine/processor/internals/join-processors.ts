import type { KeyValueStore } from '../../../state-stores/key-value-store.js';
import { StreamsError } from '../../errors.js';
import { InternalSerde } from '../../serdes/internal-serde.js';
import type { ProcessorSupplier } from '../processor.js';
import { type Headers, Record } from '../record.js';
import type { InternalProcessorContext } from './internal-context.js';
import type { KTableValueGetterSupplier } from './value-getters.js';

/** A stream-table join's grace period (Joined.withGracePeriod) and the buffer its records wait in. */
export interface JoinGrace {
  readonly graceMs: number;
  readonly bufferStoreName: string;
}

/** A buffered stream record, in the buffer store's internal encoding. */
interface Held {
  readonly key: unknown;
  readonly value: unknown;
  readonly timestampMs: number;
  readonly headers: Headers;
}

/**
 * KStream-KTable and KStream-GlobalKTable joins, as Kafka Streams' KStreamKTableJoinProcessor:
 * each stream record looks up the table's value for the key `keyMapper` gives (the record's own
 * key for a KTable) through the table's value getter: the current one, or, for a table kept in a
 * versioned store, the one valid at the record's timestamp. An inner join drops records
 * without a match; a left join calls the joiner with null. Table updates do not emit. Records
 * with a null value or a null mapped key are dropped and counted, except that a left join keeps a
 * record whose own key is null (KIP-962). With a grace period (versioned tables only) a record
 * waits in a buffer until stream time passes its timestamp + grace, and records are joined in
 * timestamp order; a record already that late is joined at once.
 */
export function streamTableJoinSupplier<K, V, KT, VT, VR>(
  table: KTableValueGetterSupplier<KT, VT>,
  keyMapper: (key: K, value: V) => KT | null | undefined,
  joiner: (value: V, tableValue: VT | null, key: K) => VR,
  leftJoin: boolean,
  grace?: JoinGrace,
): ProcessorSupplier<K, V, K, VR> {
  return {
    get() {
      let context!: InternalProcessorContext<K, VR>;
      const getter = table.get();
      let buffer: KeyValueStore<Buffer, Buffer> | undefined;
      let observedStreamTimeMs = -1;

      const join = (record: Record<K, V>) => {
        const { key, value } = record;
        const mappedKey = value === null || value === undefined ? null : keyMapper(key, value);
        // A versioned table answers as of the record's time (a temporal join); others with their latest value.
        const tableValue =
          mappedKey === null || mappedKey === undefined
            ? null
            : (getter.get(mappedKey, record.timestampMs)?.value ?? null);
        if (tableValue === null && !leftJoin) return;
        context.forward(record.withValue(joiner(value, tableValue, key)));
      };

      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<K, VR>;
          getter.init(ctx);
          if (!grace) return;
          if (!getter.isVersioned())
            throw new StreamsError(
              `${grace.bufferStoreName}: a stream-table join with a grace period needs a versioned table; materialize the table with Materialized.as(Stores.persistentVersionedKeyValueStore(name, historyRetentionMs)) (as Kafka Streams: "KTable must be versioned to use a grace period in a stream table join")`,
            );
          buffer = ctx.getStateStore<KeyValueStore<Buffer, Buffer>>(grace.bufferStoreName);
        },
        process(record) {
          if (record.timestampMs > observedStreamTimeMs) observedStreamTimeMs = record.timestampMs;
          const { key, value } = record;
          const noValue = value === null || value === undefined;
          const mappedKey = noValue ? null : keyMapper(key, value);
          const noMappedKey = mappedKey === null || mappedKey === undefined;
          const keptNullKey = leftJoin && !noValue && (key === null || key === undefined);
          if (noValue || (noMappedKey && !keptNullKey)) {
            context.recordDropped('null-key-or-value-join');
            return;
          }
          if (!buffer || !grace) return join(record);
          const closedMs = observedStreamTimeMs - grace.graceMs;
          if (record.timestampMs < closedMs) return join(record);
          const held: Held = { key, value, timestampMs: record.timestampMs, headers: record.headers };
          buffer.put(bufferKey(record.timestampMs, context), InternalSerde.serialize('', held)!);
          if (closedMs < 0) return;
          // Every record whose grace has passed, oldest first.
          const due = [...buffer.range(null, bufferKeyBound(closedMs))];
          for (const entry of due) {
            buffer.delete(entry.key);
            const h = InternalSerde.deserialize('', entry.value) as Held;
            join(new Record(h.key as K, h.value as V, h.timestampMs, h.headers));
          }
        },
      };
    },
  };
}

/**
 * A buffered record's place: its timestamp (8 bytes, so keys sort by time), then its input record
 * (topic hash, partition, offset), unique per task and the same when a record is processed again.
 */
function bufferKey(timestampMs: number, context: InternalProcessorContext<unknown, unknown>): Buffer {
  const at = context.recordMetadata();
  const key = Buffer.allocUnsafe(24);
  key.writeBigUInt64BE(BigInt(timestampMs), 0);
  key.writeUInt32BE(at ? topicHash(at.topic) : 0, 8);
  key.writeUInt32BE(at?.partition ?? 0, 12);
  key.writeBigUInt64BE(BigInt(at?.offset ?? 0), 16);
  return key;
}

/** FNV-1a of a topic name: tells apart records of merged topics at one partition and offset. */
function topicHash(topic: string): number {
  let h = 2166136261;
  for (let i = 0; i < topic.length; i++) h = Math.imul(h ^ topic.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The largest buffer key of a timestamp: every record at or before it sorts below. */
function bufferKeyBound(timestampMs: number): Buffer {
  const key = Buffer.alloc(24, 0xff);
  key.writeBigUInt64BE(BigInt(timestampMs), 0);
  return key;
}

/** A KTable join's key mapper: the record's own key. */
export function ownKey<K>(key: K): K {
  return key;
}
