import type { KeyValue } from '../../../state-stores/key-value-store.js';
import type { ProcessorContext, ProcessorSupplier } from '../processor.js';
import type { Record } from '../record.js';
import type { InternalProcessorContext } from './internal-context.js';

type Supplier<KIn, VIn, KOut, VOut> = ProcessorSupplier<KIn, VIn, KOut, VOut>;

/** A supplier for a stateless processor: `fn` gets the record and the node's forward. */
export function statelessSupplier<KIn, VIn, KOut, VOut>(
  fn: (record: Record<KIn, VIn>, forward: (record: Record<KOut, VOut>) => void) => void,
): Supplier<KIn, VIn, KOut, VOut> {
  return {
    get() {
      let context!: ProcessorContext<KOut, VOut>;
      const forward = (record: Record<KOut, VOut>) => context.forward(record);
      return {
        init(ctx) {
          context = ctx;
        },
        process(record) {
          fn(record, forward);
        },
      };
    },
  };
}

export const filterSupplier = <K, V>(predicate: (key: K, value: V) => boolean, negate: boolean) =>
  statelessSupplier<K, V, K, V>((record, forward) => {
    if (predicate(record.key, record.value) !== negate) forward(record);
  });

export const mapSupplier = <K, V, K2, V2>(mapper: (key: K, value: V) => KeyValue<K2, V2>) =>
  statelessSupplier<K, V, K2, V2>((record, forward) => {
    const out = mapper(record.key, record.value);
    forward(record.withKey(out.key).withValue(out.value));
  });

export const mapValuesSupplier = <K, V, V2>(mapper: (value: V, key: K) => V2) =>
  statelessSupplier<K, V, K, V2>((record, forward) =>
    forward(record.withValue(mapper(record.value, record.key))),
  );

export const flatMapSupplier = <K, V, K2, V2>(mapper: (key: K, value: V) => Iterable<KeyValue<K2, V2>>) =>
  statelessSupplier<K, V, K2, V2>((record, forward) => {
    for (const out of mapper(record.key, record.value)) forward(record.withKey(out.key).withValue(out.value));
  });

export const flatMapValuesSupplier = <K, V, V2>(mapper: (value: V, key: K) => Iterable<V2>) =>
  statelessSupplier<K, V, K, V2>((record, forward) => {
    for (const value of mapper(record.value, record.key)) forward(record.withValue(value));
  });

export const selectKeySupplier = <K, V, K2>(selector: (key: K, value: V) => K2) =>
  statelessSupplier<K, V, K2, V>((record, forward) =>
    forward(record.withKey(selector(record.key, record.value))),
  );

export const peekSupplier = <K, V>(action: (key: K, value: V) => void, forwardAfter: boolean) =>
  statelessSupplier<K, V, K, V>((record, forward) => {
    action(record.key, record.value);
    if (forwardAfter) forward(record);
  });

/** Passes every record on: merge nodes and the branch children of split(). */
export const passThroughSupplier = <K, V>() =>
  statelessSupplier<K, V, K, V>((record, forward) => forward(record));

/** Drops null keys before a repartition topic (a null key has no partition), counting them. */
export function repartitionFilterSupplier<K, V>(): Supplier<K, V, K, V> {
  return {
    get() {
      let context!: InternalProcessorContext<K, V>;
      return {
        init(ctx) {
          context = ctx as typeof context;
        },
        process(record) {
          if (record.key === null || record.key === undefined) context.recordDropped('null-key-repartition');
          else context.forward(record);
        },
      };
    },
  };
}

/** split(): each record goes to the first branch whose predicate matches, or to the default branch. */
export function branchSupplier<K, V>(
  predicates: readonly ((key: K, value: V) => boolean)[],
  children: readonly string[],
): Supplier<K, V, K, V> {
  return {
    get() {
      let context!: ProcessorContext<K, V>;
      return {
        init(ctx) {
          context = ctx;
        },
        process(record) {
          for (let i = 0; i < predicates.length; i++) {
            if (predicates[i]!(record.key, record.value)) {
              context.forward(record, children[i]);
              return;
            }
          }
          // A default branch, when there is one, is the child after the predicates' children.
          const defaultChild = children[predicates.length];
          if (defaultChild !== undefined) context.forward(record, defaultChild);
        },
      };
    },
  };
}
