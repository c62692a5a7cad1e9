import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { KeyValueStore } from '../../../state-stores/key-value-store.js';
import type { ValueAndTimestamp } from '../../../state-stores/value-and-timestamp.js';
import { InternalSerde } from '../../serdes/internal-serde.js';
import type { Serde } from '../../serdes/serde.js';
import { Serdes } from '../../serdes/serdes.js';
import type { ProcessorSupplier } from '../processor.js';
import { type Change, isOutOfOrder } from './change.js';
import type { InternalProcessorContext } from './internal-context.js';
import type { KTableValueGetterSupplier } from './value-getters.js';

// The foreign-key table join of Kafka Streams (KIP-213), processor by processor. The primary table
// sends a subscription (its key, a hash of its value, an instruction) to the foreign key's partition;
// the foreign side keeps subscriptions in a store, answers each with the foreign row, and answers
// every subscriber again when a foreign row changes; the primary side drops an answer whose hash no
// longer matches its current value (a stale answer to an older subscription) and joins the rest.

/** What the foreign side does with a subscription (Kafka Streams' SubscriptionWrapper.Instruction). */
export enum Instruction {
  /** Remove the subscription, and answer with null (the primary row went away). */
  DeleteKeyAndPropagate = 0,
  /** Remove the subscription without answering (the foreign key changed; the new one answers). */
  DeleteKeyNoPropagate = 1,
  /** Keep the subscription; answer, with null when the foreign row is missing. */
  PropagateNullIfNoFkValAvailable = 2,
  /** Keep the subscription; answer only when the foreign row exists (inner join, new row). */
  PropagateOnlyIfFkValAvailable = 3,
}

/** A subscription as it travels the subscription topic and sits in the subscription store. */
export interface Subscription<K> {
  /** Hash of the primary value that made it (null: the primary row was deleted). */
  readonly hash: Buffer | null;
  readonly instruction: Instruction;
  readonly primaryKey: K;
  /** The primary record's partition: where the answer goes. */
  readonly primaryPartition: number;
}

/** An answer from the foreign side (Kafka Streams' SubscriptionResponseWrapper). */
export interface SubscriptionResponse<VO> {
  readonly hash: Buffer | null;
  readonly foreignValue: VO | null;
  readonly primaryPartition: number;
}

/** Subscriptions are self-describing: the internal serde carries the primary key as it is. */
export const subscriptionSerde = InternalSerde as Serde<Subscription<unknown>>;

/** Answers carry the foreign value in its own serde's bytes when there is one (class instances), else as it is. */
export function subscriptionResponseSerde<VO>(
  foreignValueSerde: Serde<VO> | undefined,
): Serde<SubscriptionResponse<VO>> {
  if (!foreignValueSerde) return InternalSerde as Serde<SubscriptionResponse<VO>>;
  return {
    serialize(topic, response) {
      if (response === null) return null;
      const foreignValue = foreignValueSerde.serialize(topic, response.foreignValue);
      return InternalSerde.serialize(topic, { ...response, foreignValue });
    },
    deserialize(topic, bytes) {
      const wire = InternalSerde.deserialize(topic, bytes) as SubscriptionResponse<Buffer> | null;
      if (wire === null) return null;
      return { ...wire, foreignValue: foreignValueSerde.deserialize(topic, wire.foreignValue) };
    },
  };
}

/** The hash of a primary value, as sent and as checked: 128 bits of its serialized bytes (KS: murmur3). */
export function valueHasher<V>(valueSerde: Serde<V> | undefined): (value: V | null) => Buffer | null {
  const serde = (valueSerde ?? InternalSerde) as Serde<V>;
  return (value) => {
    if (value === null) return null;
    const bytes = serde.serialize('', value);
    return bytes === null ? null : createHash('md5').update(bytes).digest();
  };
}

/**
 * The subscription store's key (Kafka Streams' CombinedKeySchema): the foreign key's length (4
 * bytes), the foreign key and the primary key, each in the canonical internal encoding, so all
 * subscribers of a foreign key are one prefix scan.
 */
export const combinedKey = {
  prefix(foreignKey: unknown): Buffer {
    const fk = InternalSerde.serialize('', foreignKey)!;
    const out = Buffer.allocUnsafe(4 + fk.length);
    out.writeUInt32BE(fk.length, 0);
    fk.copy(out, 4);
    return out;
  },
  of(foreignKey: unknown, primaryKey: unknown): Buffer {
    return Buffer.concat([combinedKey.prefix(foreignKey), InternalSerde.serialize('', primaryKey)!]);
  },
  primaryKey(bytes: Buffer): unknown {
    return InternalSerde.deserialize('', bytes.subarray(4 + bytes.readUInt32BE(0)));
  },
};

type SubscriptionStore<K> = KeyValueStore<Buffer, ValueAndTimestamp<Subscription<K>>>;

/**
 * The primary side (Kafka Streams' SubscriptionSendProcessorSupplier, as of KAFKA-16407 in 4.1):
 * each primary-table update becomes subscriptions keyed by foreign key. A changed foreign key
 * unsubscribes the old one; an inner join's row whose foreign key becomes null unsets its result.
 */
export function subscriptionSendSupplier<K, V, KO>(
  foreignKeyExtractor: (value: V, key: K) => KO | null,
  hash: (value: V | null) => Buffer | null,
  leftJoin: boolean,
): ProcessorSupplier<K, Change<V>, KO | null, Subscription<K>> {
  return {
    get() {
      let context!: InternalProcessorContext<KO | null, Subscription<K>>;
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<KO | null, Subscription<K>>;
        },
        process(record) {
          // An out-of-order update of a versioned table changes no join result (KIP-914).
          if (isOutOfOrder(record.value)) return context.recordDropped('out-of-order-versioned-update');
          const { newValue, oldValue } = record.value;
          const key = record.key;
          const primaryPartition = context.recordMetadata()?.partition ?? 0;
          let newHash: Buffer | null | undefined;
          const send = (foreignKey: KO | null, instruction: Instruction) => {
            newHash ??= hash(newValue);
            context.forward(
              record
                .withKey(foreignKey)
                .withValue({ hash: newHash, instruction, primaryKey: key, primaryPartition }),
            );
          };
          const extract = (value: V) => missingToNull(foreignKeyExtractor(value, key));
          const oldFk = oldValue === null ? null : extract(oldValue);
          const newFk = newValue === null ? null : extract(newValue);
          if (leftJoin) {
            if (oldValue === null && newValue === null) return;
            // A changed foreign key: the new subscription lives elsewhere, so the old one is removed.
            if (oldFk !== null && !isDeepStrictEqual(newFk, oldFk))
              send(oldFk, Instruction.DeleteKeyNoPropagate);
            // Always an answer back, even for a delete (null foreign key: answered at once).
            send(newFk, Instruction.PropagateNullIfNoFkValAvailable);
            return;
          }
          if (newValue === null) {
            if (oldFk !== null) send(oldFk, Instruction.DeleteKeyAndPropagate);
            return;
          }
          if (newFk === null) {
            context.recordDropped('null-foreign-key');
            // The row no longer joins: unset its previous result.
            if (oldFk !== null) send(oldFk, Instruction.DeleteKeyAndPropagate);
            return;
          }
          if (oldFk === null) return send(newFk, Instruction.PropagateOnlyIfFkValAvailable);
          if (isDeepStrictEqual(newFk, oldFk)) return send(newFk, Instruction.PropagateOnlyIfFkValAvailable);
          send(oldFk, Instruction.DeleteKeyNoPropagate);
          // Also when the new foreign row is missing: the previous result must be unset.
          send(newFk, Instruction.PropagateNullIfNoFkValAvailable);
        },
      };
    },
  };
}

/** A subscription's place on the foreign side: the foreign key (null only in a left join) and the primary key. */
export interface SubscriptionKey<K, KO> {
  readonly foreignKey: KO | null;
  readonly primaryKey: K;
}

/**
 * The foreign side receives a subscription (Kafka Streams' SubscriptionReceiveProcessorSupplier):
 * it updates the subscription store and passes the subscription on, keyed by both keys.
 */
export function subscriptionReceiveSupplier<K, KO>(
  storeName: string,
): ProcessorSupplier<KO | null, Subscription<K>, SubscriptionKey<K, KO>, Subscription<K>> {
  return {
    get() {
      let context!: InternalProcessorContext<SubscriptionKey<K, KO>, Subscription<K>>;
      let store!: SubscriptionStore<K>;
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<SubscriptionKey<K, KO>, Subscription<K>>;
          store = ctx.getStateStore<SubscriptionStore<K>>(storeName);
        },
        process(record) {
          const subscription = record.value;
          const foreignKey = missingToNull(record.key);
          if (foreignKey === null) {
            // Only a left join's row without a foreign key comes here: it is answered with null at once.
            if (subscription.instruction !== Instruction.PropagateNullIfNoFkValAvailable)
              return context.recordDropped('null-foreign-key');
          } else {
            const storeKey = combinedKey.of(foreignKey, subscription.primaryKey);
            const deleting =
              subscription.instruction === Instruction.DeleteKeyAndPropagate ||
              subscription.instruction === Instruction.DeleteKeyNoPropagate;
            store.put(storeKey, deleting ? null : { value: subscription, timestampMs: record.timestampMs });
          }
          context.forward(record.withKey({ foreignKey, primaryKey: subscription.primaryKey }));
        },
      };
    },
  };
}

/**
 * Answers a subscription with the foreign row as its instruction says (Kafka Streams'
 * SubscriptionJoinProcessorSupplier), stamped with the later of the two timestamps.
 */
export function subscriptionJoinSupplier<K, KO, VO>(
  foreignValues: KTableValueGetterSupplier<KO, VO>,
): ProcessorSupplier<SubscriptionKey<K, KO>, Subscription<K>, K, SubscriptionResponse<VO>> {
  return {
    get() {
      let context!: InternalProcessorContext<K, SubscriptionResponse<VO>>;
      const getter = foreignValues.get();
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<K, SubscriptionResponse<VO>>;
          getter.init(ctx);
        },
        process(record) {
          const subscription = record.value;
          const { foreignKey, primaryKey } = record.key;
          const foreign = foreignKey === null ? null : getter.get(foreignKey);
          const timestampMs =
            foreign === null ? record.timestampMs : Math.max(record.timestampMs, foreign.timestampMs);
          const answer = (foreignValue: VO | null) =>
            context.forward(
              record
                .withKey(primaryKey)
                .withValue({
                  hash: subscription.hash,
                  foreignValue,
                  primaryPartition: subscription.primaryPartition,
                })
                .withTimestamp(timestampMs),
            );
          switch (subscription.instruction) {
            case Instruction.DeleteKeyAndPropagate:
              return answer(null);
            case Instruction.PropagateNullIfNoFkValAvailable:
              return answer(foreign?.value ?? null);
            case Instruction.PropagateOnlyIfFkValAvailable:
              if (foreign !== null) answer(foreign.value);
              return;
            case Instruction.DeleteKeyNoPropagate:
              return;
          }
        },
      };
    },
  };
}

/**
 * The foreign side's own updates (Kafka Streams' ForeignTableJoinProcessorSupplier): each foreign
 * row change answers every subscriber of that foreign key, with the foreign record's timestamp.
 */
export function foreignTableJoinSupplier<K, KO, VO>(
  storeName: string,
): ProcessorSupplier<KO, Change<VO>, K, SubscriptionResponse<VO>> {
  return {
    get() {
      let context!: InternalProcessorContext<K, SubscriptionResponse<VO>>;
      let store!: SubscriptionStore<K>;
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<K, SubscriptionResponse<VO>>;
          store = ctx.getStateStore<SubscriptionStore<K>>(storeName);
        },
        process(record) {
          if (record.key === null || record.key === undefined) return context.recordDropped('null-key');
          if (isOutOfOrder(record.value)) return context.recordDropped('out-of-order-versioned-update');
          const prefix = combinedKey.prefix(record.key);
          const subscribers = [...store.prefixScan(prefix, Serdes.Bytes())];
          for (const { key, value } of subscribers) {
            const subscription = value.value;
            context.forward(
              record.withKey(combinedKey.primaryKey(key) as K).withValue({
                hash: subscription.hash,
                foreignValue: record.value.newValue,
                primaryPartition: subscription.primaryPartition,
              }),
            );
          }
        },
      };
    },
  };
}

/**
 * The primary side resolves an answer (Kafka Streams' ResponseJoinProcessorSupplier): an answer
 * to a value the primary row no longer has (its hash differs) is dropped; the rest join. A missing
 * foreign row is a tombstone, except in a left join while the primary row exists.
 */
export function responseJoinSupplier<K, V, VO, VR>(
  primaryValues: KTableValueGetterSupplier<K, V>,
  hash: (value: V | null) => Buffer | null,
  joiner: (value: V | null, foreignValue: VO | null) => VR,
  leftJoin: boolean,
): ProcessorSupplier<K, SubscriptionResponse<VO>, K, VR | null> {
  return {
    get() {
      let context!: InternalProcessorContext<K, VR | null>;
      const getter = primaryValues.get();
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<K, VR | null>;
          getter.init(ctx);
        },
        process(record) {
          const response = record.value;
          const current = getter.get(record.key);
          const currentHash = current === null ? null : hash(current.value);
          const sameHash =
            currentHash === null || response.hash === null
              ? currentHash === response.hash
              : currentHash.equals(response.hash);
          if (!sameHash) return context.recordDropped('stale-foreign-key-join-response');
          const result =
            response.foreignValue === null && (!leftJoin || current === null)
              ? null
              : joiner(current?.value ?? null, response.foreignValue);
          context.forward(record.withValue(result));
        },
      };
    },
  };
}

function missingToNull<T>(value: T | null | undefined): T | null {
  return value === undefined ? null : value;
}
