import { describe, expect, it } from 'vitest';
import type { StateRestoreListener } from '../../index.js';
import { RestoreProgress } from '../internals/restore-progress.js';

describe('RestoreProgress', () => {
  it("knows how far each restoring partition is from its changelog's end, and tells the application's listener everything", () => {
    const told: string[] = [];
    const application: StateRestoreListener = {
      onRestoreStart: (tp, store, from, to) => told.push(`start ${store} ${tp.partition} ${from}-${to}`),
      onBatchRestored: (tp, store, last, n) => told.push(`batch ${store} ${tp.partition} ${last} ${n}`),
      onRestoreEnd: (tp, store, total) => told.push(`end ${store} ${tp.partition} ${total}`),
    };
    let listener: StateRestoreListener | null = null;
    const progress = new RestoreProgress(() => listener);
    const tp = (partition: number) => ({ topic: 'app-counts-changelog', partition });
    progress.onRestoreStart(tp(0), 'counts', 100, 600);
    progress.onRestoreStart(tp(3), 'counts', 0, 50);
    expect([...progress.lags('counts')]).toEqual([
      [0, 500],
      [3, 50],
    ]);
    listener = application;
    progress.onBatchRestored(tp(0), 'counts', 399, 300);
    expect(progress.lags('counts').get(0)).toBe(200);
    progress.onRestoreEnd(tp(3), 'counts', 50);
    expect([...progress.lags('counts')]).toEqual([[0, 200]]);
    expect(progress.lags('other').size).toBe(0);
    expect(told).toEqual(['batch counts 0 399 300', 'end counts 3 50']);
  });
});
