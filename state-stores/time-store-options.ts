import type { StoreType } from './store-builder.js';

/** Options shared by window and session store builders. */
export interface TimeStoreOptions {
  readonly loggingEnabled: boolean;
  readonly logConfig: Readonly<Record<string, string>>;
  readonly storeType: StoreType;
  /** A write-back record cache in front of the store. */
  readonly cachingEnabled: boolean;
}

export const DEFAULT_TIME_STORE_OPTIONS: TimeStoreOptions = {
  loggingEnabled: true,
  logConfig: {},
  storeType: 'in-memory',
  cachingEnabled: false,
};

/** Window and session changelogs: compacted and deleted, kept for the store's retention plus a day (ARCHITECTURE §6). */
export function timeStoreChangelogConfig(
  retentionMs: number,
  logConfig: Readonly<Record<string, string>>,
): Record<string, string> {
  return {
    'cleanup.policy': 'compact,delete',
    'retention.ms': String(retentionMs + 86_400_000),
    ...logConfig,
  };
}
