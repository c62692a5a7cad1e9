import { createRequire } from 'node:module';
import type { KeyValueBytesStore } from './key-value-bytes-store.js';
import type { KeyValue } from './key-value-store.js';

// sorted-btree is CommonJS with the class on `default`; require() reads it the same way under Node and vitest.
const { default: BTree, simpleComparator } = createRequire(import.meta.url)(
  'sorted-btree',
) as typeof import('sorted-btree');
type Tree = InstanceType<typeof BTree<string, Buffer>>;
const newTree = (): Tree => new BTree<string, Buffer>(undefined, simpleComparator);

/**
 * `value`, or a copy of it when it is a small view into a large allocation: the Kafka batch data
 * plane hands out records as views into one Buffer per fetched batch, and a store that kept such a
 * view for long would keep the whole batch alive. Views into Node's 8 KiB Buffer pool stay as they are.
 */
function ownedBytes(value: Buffer): Buffer {
  return value.buffer.byteLength > Buffer.poolSize && value.byteLength * 2 < value.buffer.byteLength
    ? Buffer.from(value)
    : value;
}

/**
 * The in-memory bytes backend: a B+ tree (sorted-btree) keyed by latin1 strings (one char per
 * byte), which sort exactly as the unsigned key bytes do. Iterators walk an O(1) copy-on-write clone,
 * so writes during an iteration neither skip nor repeat keys.
 */
export class InMemoryKeyValueBytesStore implements KeyValueBytesStore {
  readonly persistent = false;
  private tree = newTree();

  get(key: Buffer): Buffer | null {
    return this.tree.get(key.toString('latin1')) ?? null;
  }

  put(key: Buffer, value: Buffer | null): void {
    const k = key.toString('latin1');
    if (value === null) this.tree.delete(k);
    else this.tree.set(k, ownedBytes(value));
  }

  size(): number {
    return this.tree.size;
  }

  clear(): void {
    this.tree = newTree();
  }

  flush(): void {}

  close(): void {}

  /** Entries with from <= key <= to (null bounds are open), ascending or descending. */
  *range(
    from: Buffer | null,
    to: Buffer | null,
    reverse: boolean,
  ): IterableIterator<KeyValue<Buffer, Buffer>> {
    const snapshot = this.tree.clone();
    const lo = from?.toString('latin1');
    const hi = to?.toString('latin1');
    if (reverse) {
      for (const [k, value] of snapshot.entriesReversed(hi)) {
        if (lo !== undefined && k < lo) return;
        yield { key: Buffer.from(k, 'latin1'), value };
      }
    } else {
      for (const [k, value] of snapshot.entries(lo)) {
        if (hi !== undefined && k > hi) return;
        yield { key: Buffer.from(k, 'latin1'), value };
      }
    }
  }

  *prefix(prefix: Buffer): IterableIterator<KeyValue<Buffer, Buffer>> {
    const p = prefix.toString('latin1');
    for (const [k, value] of this.tree.clone().entries(p)) {
      if (!k.startsWith(p)) return;
      yield { key: Buffer.from(k, 'latin1'), value };
    }
  }
}
