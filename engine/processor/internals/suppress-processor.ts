import type { BufferedChange, SuppressionBufferStore } from '../../../state-stores/suppression-buffer.js';
import { BufferFullError } from '../../errors.js';
import type { Serde } from '../../serdes/serde.js';
import type { ProcessorSupplier } from '../processor.js';
import { Record } from '../record.js';
import { type Change, change } from './change.js';
import type { InternalProcessorContext } from './internal-context.js';

export interface SuppressSpec<K> {
  readonly nodeName: string;
  readonly storeName: string;
  /** Where a key's first held update sits in the buffer: its window's end, or the update's time. */
  readonly bufferTimeOf: (key: K, timestampMs: number) => number;
  /** A key leaves the buffer once stream time is this far past its buffer time (grace, or the time limit). */
  readonly holdMs: number;
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly fullStrategy: 'emit-early' | 'shut-down';
  /** Final results: a window deleted while held is not emitted at all. */
  readonly dropTombstones: boolean;
  /** For the buffer's order among equal times (the key's bytes, as Kafka Streams) and its byte size. */
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<unknown>;
}

interface Held<K> {
  readonly key: K;
  readonly keyBytes: Buffer;
  readonly bufferTimeMs: number;
  bytes: number;
}

/**
 * KTable.suppress, as Kafka Streams' KTableSuppressProcessor over its time-ordered buffer: each update
 * replaces the key's held update (keeping the key's place and the value downstream saw before);
 * after every record the keys whose buffer time is at most stream time − hold leave in order (buffer
 * time, then key bytes) as Change(latest, prior). A full buffer emits its oldest keys early or stops
 * the instance. The held updates are in a logged store, so they survive a crash; the order is
 * rebuilt from it when the task starts processing. Stream time is this node's, as in Kafka Streams.
 */
export function suppressSupplier<K, V>(spec: SuppressSpec<K>): ProcessorSupplier<K, Change<V>, K, Change<V>> {
  return {
    get() {
      let context!: InternalProcessorContext<K, Change<V>>;
      let store!: SuppressionBufferStore<K, V>;
      let loaded = false;
      let observedStreamTimeMs = -1;
      let bytes = 0;
      const held = new Map<string, Held<K>>();
      const queue = new MinHeap<Held<K>>(
        (a, b) => a.bufferTimeMs - b.bufferTimeMs || Buffer.compare(a.keyBytes, b.keyBytes),
      );
      const sizeOf = (keyBytes: Buffer, entry: BufferedChange<V>) =>
        keyBytes.length +
        (entry.value === null ? 0 : (spec.valueSerde.serialize('', entry.value)?.length ?? 0)) +
        (entry.prior === null ? 0 : (spec.valueSerde.serialize('', entry.prior)?.length ?? 0));
      const track = (key: K, keyBytes: Buffer, entry: BufferedChange<V>, existing: Held<K> | undefined) => {
        const size = Number.isFinite(spec.maxBytes) ? sizeOf(keyBytes, entry) : 0;
        if (existing) {
          bytes += size - existing.bytes;
          existing.bytes = size;
          return;
        }
        const item = { key, keyBytes, bufferTimeMs: entry.bufferTimeMs, bytes: size };
        held.set(keyBytes.toString('latin1'), item);
        queue.push(item);
        bytes += size;
      };
      const evict = () => {
        const item = queue.pop()!;
        held.delete(item.keyBytes.toString('latin1'));
        bytes -= item.bytes;
        const entry = store.get(item.key);
        store.put(item.key, null);
        if (entry && (entry.value !== null || !spec.dropTombstones))
          context.forward(new Record(item.key, change(entry.value, entry.prior), entry.timestampMs));
      };
      const overCapacity = () => held.size > spec.maxRecords || bytes > spec.maxBytes;
      return {
        init(ctx) {
          context = ctx as InternalProcessorContext<K, Change<V>>;
          store = ctx.getStateStore<SuppressionBufferStore<K, V>>(spec.storeName);
        },
        process(record) {
          if (!loaded) {
            // After a restore the store holds the updates held before; put them back in order.
            for (const { key, value } of store.all())
              track(key, keyBytesOf(spec.keySerde, key), value, undefined);
            loaded = true;
          }
          const { key, timestampMs } = record;
          if (timestampMs > observedStreamTimeMs) observedStreamTimeMs = timestampMs;
          const keyBytes = keyBytesOf(spec.keySerde, key);
          const existing = held.get(keyBytes.toString('latin1'));
          const before = existing ? store.get(key) : null;
          const entry: BufferedChange<V> = {
            bufferTimeMs: before ? before.bufferTimeMs : spec.bufferTimeOf(key, timestampMs),
            timestampMs,
            prior: before ? before.prior : record.value.oldValue,
            value: record.value.newValue,
          };
          store.put(key, entry);
          track(key, keyBytes, entry, existing);
          const expiryMs = observedStreamTimeMs - spec.holdMs;
          while (queue.size > 0 && queue.peek()!.bufferTimeMs <= expiryMs) evict();
          if (!overCapacity()) return;
          if (spec.fullStrategy === 'shut-down') {
            throw new BufferFullError(
              `suppress ${spec.nodeName}: its buffer is full (${held.size}/${spec.maxRecords} records, ${bytes}/${spec.maxBytes} bytes) and may not emit early; raise the limits or use emitEarlyWhenFull()`,
            );
          }
          while (overCapacity()) evict();
        },
      };
    },
  };
}

function keyBytesOf<K>(serde: Serde<K>, key: K): Buffer {
  return serde.serialize('', key) ?? Buffer.alloc(0);
}

/** A binary min-heap. */
class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[i]!, items[parent]!) >= 0) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    for (let i = 0; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && this.compare(items[left]!, items[smallest]!) < 0) smallest = left;
      if (right < items.length && this.compare(items[right]!, items[smallest]!) < 0) smallest = right;
      if (smallest === i) break;
      [items[i], items[smallest]] = [items[smallest]!, items[i]!];
      i = smallest;
    }
    return top;
  }
}
