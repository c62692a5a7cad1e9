import { describe, expect, it } from 'vitest';
import { InMemoryKeyValueBytesStore } from './in-memory-key-value-bytes-store.js';

describe('in-memory bytes store', () => {
  it('copies a value that is a small view into a large Buffer (a consumed batch), so the batch can be freed', () => {
    const store = new InMemoryKeyValueBytesStore();
    const batch = Buffer.alloc(64 * 1024, 1);
    const view = batch.subarray(100, 110);
    store.put(Buffer.from('k'), view);
    const kept = store.get(Buffer.from('k'))!;
    expect(kept.equals(view)).toBe(true);
    expect(kept.buffer).not.toBe(batch.buffer);
    batch.fill(2);
    expect(kept.equals(Buffer.alloc(10, 1))).toBe(true);
  });

  it("keeps a value of its own (or a slice of Node's small pool) as it is", () => {
    const store = new InMemoryKeyValueBytesStore();
    const own = Buffer.from('a value of its own');
    store.put(Buffer.from('k'), own);
    expect(store.get(Buffer.from('k'))).toBe(own);
  });
});
