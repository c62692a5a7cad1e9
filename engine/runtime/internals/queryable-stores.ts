import type { KeyValueStore } from '../../../state-stores/key-value-store.js';
import {
  KeyValueStoreBuilder,
  TimestampedKeyValueStoreBuilder,
} from '../../../state-stores/key-value-store-builder.js';
import { KeyValueStoreFacade } from '../../../state-stores/key-value-store-facade.js';
import type { SessionStore } from '../../../state-stores/session-store.js';
import { SessionStoreBuilder } from '../../../state-stores/session-store-builder.js';
import type { StateStore } from '../../../state-stores/state-store.js';
import type { StoreBuilder } from '../../../state-stores/store-builder.js';
import {
  isTimestamped,
  type TimestampedKeyValueStore,
  type ValueAndTimestamp,
} from '../../../state-stores/value-and-timestamp.js';
import { isVersioned, type VersionedKeyValueStore } from '../../../state-stores/versioned-key-value-store.js';
import { VersionedKeyValueStoreBuilder } from '../../../state-stores/versioned-key-value-store-builder.js';
import type { WindowStore } from '../../../state-stores/window-store.js';
import {
  TimestampedWindowStoreBuilder,
  WindowStoreBuilder,
} from '../../../state-stores/window-store-builder.js';
import { WindowStoreFacade } from '../../../state-stores/window-store-facade.js';
import type { QueryableStoreKind } from '../store-query.js';
import {
  localSessionStoreView,
  localStoreView,
  localVersionedStoreView,
  localWindowStoreView,
} from './local-store-view.js';

/** What kind of store a builder makes (undefined: a builder of the user's own, judged by its stores). */
export function kindOfBuilder(builder: StoreBuilder<StateStore>): QueryableStoreKind | undefined {
  if (builder instanceof VersionedKeyValueStoreBuilder) return 'versioned-key-value';
  if (builder instanceof TimestampedKeyValueStoreBuilder) return 'timestamped-key-value';
  if (builder instanceof KeyValueStoreBuilder) return 'key-value';
  if (builder instanceof TimestampedWindowStoreBuilder) return 'timestamped-window';
  if (builder instanceof WindowStoreBuilder) return 'window';
  if (builder instanceof SessionStoreBuilder) return 'session';
  return undefined;
}

/** What kind of store an instance is. */
export function kindOfStore(store: StateStore): QueryableStoreKind | undefined {
  if (isVersioned(store)) return 'versioned-key-value';
  if ('windowSizeMs' in store) return isTimestamped(store) ? 'timestamped-window' : 'window';
  if ('findSessions' in store) return 'session';
  if ('putIfAbsent' in store) return isTimestamped(store) ? 'timestamped-key-value' : 'key-value';
  return undefined;
}

/** Whether a query for `requested` can read a store of kind `actual` (a timestamped store also answers the plain query). */
export function accepts(requested: QueryableStoreKind, actual: QueryableStoreKind): boolean {
  if (requested === actual) return true;
  return (
    (requested === 'key-value' && actual === 'timestamped-key-value') ||
    (requested === 'window' && actual === 'timestamped-window')
  );
}

/** The read-only view a query of `requested` gets over the local instances of a store of kind `actual`. */
export function queryView(
  requested: QueryableStoreKind,
  actual: QueryableStoreKind | undefined,
  locals: () => StateStore[],
): unknown {
  switch (requested) {
    case 'key-value':
      return localStoreView(() =>
        locals().map((s) =>
          isTimestamped(s)
            ? new KeyValueStoreFacade(s as TimestampedKeyValueStore<unknown, unknown>)
            : (s as KeyValueStore<unknown, unknown>),
        ),
      );
    case 'timestamped-key-value':
      return localStoreView(() => locals() as KeyValueStore<unknown, ValueAndTimestamp<unknown>>[]);
    case 'window':
      return localWindowStoreView(() =>
        locals().map((s) =>
          actual === 'timestamped-window' || isTimestamped(s)
            ? new WindowStoreFacade(s as WindowStore<unknown, ValueAndTimestamp<unknown>>)
            : (s as WindowStore<unknown, unknown>),
        ),
      );
    case 'timestamped-window':
      return localWindowStoreView(() => locals() as WindowStore<unknown, ValueAndTimestamp<unknown>>[]);
    case 'session':
      return localSessionStoreView(() => locals() as SessionStore<unknown, unknown>[]);
    case 'versioned-key-value':
      return localVersionedStoreView(() => locals() as VersionedKeyValueStore<unknown, unknown>[]);
  }
}
