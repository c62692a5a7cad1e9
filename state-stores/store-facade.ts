import type { StateStore, StateStoreContext } from './state-store.js';

/** What a facade over a store passes straight through: the store's identity and lifecycle. */
export abstract class StoreFacade<S extends StateStore> implements StateStore {
  constructor(protected readonly inner: S) {}

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  init(context: StateStoreContext): void {
    this.inner.init(context);
  }

  flush(): void {
    this.inner.flush();
  }

  wipe(): void {
    this.inner.wipe();
  }

  close(): void {
    this.inner.close();
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }
}

/** The timestamp a facade writes with: none known (Kafka Streams' ConsumerRecord.NO_TIMESTAMP). */
export const NO_TIMESTAMP = -1;
