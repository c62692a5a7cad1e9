import {
  type Event,
  foreignKeyOf,
  inputRecords,
  intKey,
  joinedBytes,
  KEY_SPACE,
  type KeyDistribution,
  regroupKey,
  SESSION_GAP_MS,
  STREAM_JOIN_WINDOW_MS,
  tableRows,
  WINDOW_ADVANCE_MS,
  WINDOW_SIZE_MS,
} from './data.js';
import { WORKLOADS, type WorkloadName } from './workloads.js';

/**
 * The correctness gate: what a workload's output must hold for the input the seed generates. An
 * engine's run counts only when its output passes. Output records are fed in topic order per
 * partition; aggregates are judged by the last value per key (caches may skip intermediate ones).
 */
export interface OutputCheck {
  accept(key: Buffer | null, value: Buffer | null): void;
  /** null when the output is complete and right; otherwise what is missing or wrong. */
  problem(): string | null;
}

export interface CheckInput {
  readonly workload: WorkloadName;
  readonly seed: number;
  readonly distribution: KeyDistribution;
  readonly records: number;
}

/** FNV-1a over the bytes, for order-independent sums of records. */
function fnv(hash: number, bytes: Buffer): number {
  let h = hash;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 16777619);
  return h >>> 0;
}
const recordHash = (key: Buffer, value: Buffer) => fnv(fnv(2166136261, key), value);

/** Count and an order-independent checksum of every record: exactly the expected multiset (no loss, no duplicate). */
class RecordSumCheck implements OutputCheck {
  private count = 0;
  private sum = 0;
  constructor(
    private readonly expectedCount: number,
    private readonly expectedSum: number,
    private readonly hash: (key: Buffer, value: Buffer) => number,
  ) {}
  accept(key: Buffer | null, value: Buffer | null): void {
    this.count++;
    if (key && value) this.sum = (this.sum + this.hash(key, value)) % 4294967296;
  }
  problem(): string | null {
    if (this.count !== this.expectedCount)
      return `${this.count} output records, expected ${this.expectedCount}`;
    return this.sum === this.expectedSum
      ? null
      : 'the output records differ from the expected ones (checksum)';
  }
}

/** The last value per cell (a key, or a key and window) equals the expected aggregate. */
/**
 * A session table: the last value per session key (key, end, start), tombstones deleting the
 * sessions a later record extended; what is left must be exactly the expected sessions.
 */
class SessionTableCheck implements OutputCheck {
  private readonly table = new Map<string, number>();
  private wrong = 0;
  constructor(private readonly expected: Map<string, number>) {}
  accept(key: Buffer | null, value: Buffer | null): void {
    if (key?.length !== 20 || (value !== null && value.length !== 8)) {
      this.wrong++;
      return;
    }
    const id = key.toString('hex');
    if (value === null) this.table.delete(id);
    else this.table.set(id, Number(value.readBigInt64BE(0)));
  }
  problem(): string | null {
    if (this.wrong > 0) return `${this.wrong} output records with an unexpected key or value`;
    if (this.table.size !== this.expected.size)
      return `${this.table.size} sessions in the output table, expected ${this.expected.size}`;
    for (const [id, n] of this.expected) {
      if (this.table.get(id) !== n) return `session ${id}: ${this.table.get(id)} instead of ${n}`;
    }
    return null;
  }
}

class LastValueCheck implements OutputCheck {
  private readonly last: Float64Array;
  private wrongKeys = 0;
  constructor(
    private readonly expected: Uint32Array,
    private readonly cellOf: (key: Buffer) => number,
  ) {
    this.last = new Float64Array(expected.length);
  }
  accept(key: Buffer | null, value: Buffer | null): void {
    const cell = key ? this.cellOf(key) : -1;
    if (cell < 0 || cell >= this.last.length || !value || value.length !== 8) {
      this.wrongKeys++;
      return;
    }
    this.last[cell] = Number(value.readBigInt64BE(0));
  }
  problem(): string | null {
    if (this.wrongKeys > 0) return `${this.wrongKeys} output records with an unexpected key or value`;
    let wrong = 0;
    let example = -1;
    for (let i = 0; i < this.expected.length; i++) {
      if (this.last[i] !== this.expected[i]) {
        wrong++;
        if (example < 0) example = i;
      }
    }
    return wrong === 0
      ? null
      : `${wrong} of ${this.expected.length} aggregates differ (first: cell ${example}, ${this.last[example]} instead of ${this.expected[example]})`;
  }
}

/** A table of byte values by int key: the last value per key (a tombstone deletes) must be exactly the expected table. */
class LastBytesCheck implements OutputCheck {
  private readonly table = new Map<number, Buffer>();
  private wrong = 0;
  constructor(private readonly expected: Map<number, Buffer>) {}
  accept(key: Buffer | null, value: Buffer | null): void {
    if (key?.length !== 4) {
      this.wrong++;
      return;
    }
    if (value === null) this.table.delete(key.readInt32BE(0));
    else this.table.set(key.readInt32BE(0), value);
  }
  problem(): string | null {
    if (this.wrong > 0) return `${this.wrong} output records with an unexpected key`;
    if (this.table.size !== this.expected.size)
      return `${this.table.size} keys in the output table, expected ${this.expected.size}`;
    for (const [key, value] of this.expected) {
      if (!this.table.get(key)?.equals(value))
        return `key ${key}: ${this.table.get(key)?.toString('hex')} instead of ${value.toString('hex')}`;
    }
    return null;
  }
}

const cellOfIntKey = (key: Buffer) => (key.length === 4 ? key.readInt32BE(0) : -1);

/** The raw client limit copies its input unchanged: its output must be exactly the input records. */
export function copyCheck(input: CheckInput): OutputCheck {
  let sum = 0;
  for (const r of inputRecords(
    input.seed,
    input.distribution,
    WORKLOADS[input.workload].valueKind,
    input.records,
  ))
    sum = (sum + recordHash(r.key, r.value)) % 4294967296;
  return new RecordSumCheck(input.records, sum, recordHash);
}

/** Builds the check of one workload's output by generating its input again from the seed. */
export function outputCheck(input: CheckInput): OutputCheck {
  const { workload, seed, distribution, records } = input;
  const all = () => inputRecords(seed, distribution, WORKLOADS[workload].valueKind, records);
  switch (workload) {
    case 'passthrough':
      return copyCheck(input);
    case 'stateless': {
      // Judged on the parsed fields, so JSON formatting differences between engines do not matter.
      const projectedHash = (key: Buffer, value: Buffer) => {
        const p = JSON.parse(value.toString()) as Pick<Event, 'userId' | 'itemId' | 'amount'>;
        return fnv(recordHash(key, Buffer.from(`${p.userId}`)), Buffer.from(`${p.itemId}:${p.amount}`));
      };
      let count = 0;
      let sum = 0;
      for (const r of all()) {
        const e = JSON.parse(r.value.toString()) as Event;
        if (e.type !== 'view') continue;
        count++;
        sum = (sum + projectedHash(r.key, Buffer.from(JSON.stringify(e)))) % 4294967296;
      }
      return new RecordSumCheck(count, sum, projectedHash);
    }
    case 'count': {
      const counts = new Uint32Array(KEY_SPACE);
      for (const r of all()) counts[r.keyInt]!++;
      return new LastValueCheck(counts, cellOfIntKey);
    }
    case 'repartition-count': {
      const counts = new Uint32Array(1000);
      for (const r of all()) counts[regroupKey(r.value)]!++;
      return new LastValueCheck(counts, cellOfIntKey);
    }
    case 'windowed-count': {
      // Cells: (window index from the first window) × key. Timestamps only grow, so none is late.
      let first = Number.POSITIVE_INFINITY;
      let last = 0;
      for (const r of all()) {
        first = Math.min(first, r.timestampMs);
        last = Math.max(last, r.timestampMs);
      }
      const firstStart = first - (first % WINDOW_ADVANCE_MS) - WINDOW_SIZE_MS + WINDOW_ADVANCE_MS;
      const windowCount = Math.ceil((last - firstStart + 1) / WINDOW_ADVANCE_MS) + 1;
      const counts = new Uint32Array(windowCount * KEY_SPACE);
      for (const r of all()) {
        const newest = r.timestampMs - (r.timestampMs % WINDOW_ADVANCE_MS);
        for (let start = newest; start > r.timestampMs - WINDOW_SIZE_MS; start -= WINDOW_ADVANCE_MS) {
          counts[((start - firstStart) / WINDOW_ADVANCE_MS) * KEY_SPACE + r.keyInt]!++;
        }
      }
      return new LastValueCheck(counts, (key) => {
        if (key.length !== 12) return -1;
        const start = Number(key.readBigInt64BE(4));
        return ((start - firstStart) / WINDOW_ADVANCE_MS) * KEY_SPACE + key.readInt32BE(0);
      });
    }
    case 'session-count': {
      // Timestamps only grow: a record extends its key's last session (gap at most SESSION_GAP_MS) or opens one.
      const last = new Map<number, { start: number; end: number; count: number }>();
      const done: { key: number; start: number; end: number; count: number }[] = [];
      for (const r of all()) {
        const session = last.get(r.keyInt);
        if (session && r.timestampMs - session.end <= SESSION_GAP_MS) {
          session.end = r.timestampMs;
          session.count++;
        } else {
          if (session) done.push({ key: r.keyInt, ...session });
          last.set(r.keyInt, { start: r.timestampMs, end: r.timestampMs, count: 1 });
        }
      }
      for (const [key, session] of last) done.push({ key, ...session });
      const expected = new Map<string, number>();
      for (const s of done) {
        const id = Buffer.alloc(20);
        id.writeInt32BE(s.key, 0);
        id.writeBigInt64BE(BigInt(s.end), 4);
        id.writeBigInt64BE(BigInt(s.start), 12);
        expected.set(id.toString('hex'), s.count);
      }
      return new SessionTableCheck(expected);
    }
    case 'stream-table-join': {
      const rows = tableRows(seed);
      let sum = 0;
      for (const r of all()) sum = (sum + recordHash(r.key, rows[r.keyInt]!)) % 4294967296;
      return new RecordSumCheck(records, sum, recordHash);
    }
    case 'stream-stream-join': {
      // A self-join: every ordered pair (a, b) of one key's records at most the window apart, a = b
      // included (each record joins itself once its right side is stored), as joined(a, b).
      const byKey = new Map<number, { t: number; value: Buffer }[]>();
      for (const r of all()) {
        const list = byKey.get(r.keyInt) ?? [];
        list.push({ t: r.timestampMs, value: r.value });
        byKey.set(r.keyInt, list);
      }
      let count = 0;
      let sum = 0;
      for (const [keyInt, list] of byKey) {
        const key = intKey(keyInt);
        for (const a of list)
          for (const b of list) {
            if (Math.abs(a.t - b.t) > STREAM_JOIN_WINDOW_MS) continue;
            count++;
            sum = (sum + recordHash(key, joinedBytes(a.value, b.value))) % 4294967296;
          }
      }
      return new RecordSumCheck(count, sum, recordHash);
    }
    case 'fk-join': {
      // A table: each key's last value joined with the row its foreign key names.
      const rows = tableRows(seed);
      const expected = new Map<number, Buffer>();
      for (const r of all()) expected.set(r.keyInt, joinedBytes(r.value, rows[foreignKeyOf(r.value)]!));
      return new LastBytesCheck(expected);
    }
  }
}
