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
