import type { KeyValue } from './key-value-store.js';

/**
 * The in-memory bytes backend: keys are held as latin1 strings (one char per byte), which sort in
 * the same order as the unsigned key bytes. Ordered iteration sorts the keys on demand.
 */
export class InMemoryKeyValueBytesStore {
  private readonly entries = new Map<string, Buffer>();
  private sortedKeys: string[] | null = null;

  get(key: Buffer): Buffer | null {
    return this.entries.get(key.toString('latin1')) ?? null;
  }

  put(key: Buffer, value: Buffer | null): void {
    const k = key.toString('latin1');
    if (value === null) {
      if (this.entries.delete(k)) this.sortedKeys = null;
      return;
    }
    if (!this.entries.has(k)) this.sortedKeys = null;
    this.entries.set(k, value);
  }

  size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.sortedKeys = null;
  }

  /** Entries with from <= key <= to (null bounds are open), ascending or descending. */
  *range(
    from: Buffer | null,
    to: Buffer | null,
    reverse: boolean,
  ): IterableIterator<KeyValue<Buffer, Buffer>> {
    const keys = this.sorted();
    const lo = from === null ? 0 : lowerBound(keys, from.toString('latin1'));
    const hi = to === null ? keys.length : upperBound(keys, to.toString('latin1'));
    // Snapshot the slice: writes during iteration must not skip or repeat keys.
    const slice = keys.slice(lo, hi);
    if (reverse) slice.reverse();
    for (const k of slice) {
      const value = this.entries.get(k);
      if (value !== undefined) yield { key: Buffer.from(k, 'latin1'), value };
    }
  }

  *prefix(prefix: Buffer): IterableIterator<KeyValue<Buffer, Buffer>> {
    const p = prefix.toString('latin1');
    const keys = this.sorted();
    const slice: string[] = [];
    for (let i = lowerBound(keys, p); i < keys.length && keys[i]!.startsWith(p); i++) slice.push(keys[i]!);
    for (const k of slice) {
      const value = this.entries.get(k);
      if (value !== undefined) yield { key: Buffer.from(k, 'latin1'), value };
    }
  }

  private sorted(): string[] {
    if (this.sortedKeys === null) this.sortedKeys = [...this.entries.keys()].sort();
    return this.sortedKeys;
  }
}

function lowerBound(keys: string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(keys: string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
