import type { Serde } from './serde.js';
import { SerializationError } from './serde.js';

/**
 * The serde of repartition topics, changelogs and internal buffers when neither the operation nor
 * the config names one: it writes what the value is along with the value, so any of null, boolean,
 * number, bigint, string, Date, Uint8Array (Buffer), arrays and plain objects of those comes back
 * as it went in. Kafka Streams needs Java types to pick a serde; TypeScript has none at run time,
 * so the engine carries the type in the bytes.
 *
 * The encoding is canonical: equal values give equal bytes (object keys are written sorted), so it
 * can serialize keys, whose bytes pick the partition and the store entry. A tag byte per value:
 */
const TAG = {
  null: 0,
  false: 1,
  true: 2,
  /** IEEE 754 double, big-endian. */
  number: 3,
  /** UTF-8, 4-byte length first, as every variable-length value. */
  string: 4,
  /** Decimal digits. */
  bigint: 5,
  /** Milliseconds since the epoch, as a number. */
  date: 6,
  bytes: 7,
  /** Element count, then the elements. */
  array: 8,
  /** Entry count, then key (string) and value per entry, keys in code-unit order. */
  object: 9,
} as const;

export const InternalSerde: Serde<unknown> = {
  serialize(topic, data) {
    if (data === null || data === undefined) return null;
    const out = new Writer();
    write(out, data, topic, '');
    return out.bytes();
  },
  deserialize(topic, data) {
    if (data === null) return null;
    const reader = { data, at: 0, topic };
    const value = read(reader);
    if (reader.at !== data.length) fail(topic, `${data.length - reader.at} bytes left after the value`);
    return value;
  },
};

function write(out: Writer, value: unknown, topic: string, path: string): void {
  switch (typeof value) {
    case 'boolean':
      out.byte(value ? TAG.true : TAG.false);
      return;
    case 'number':
      out.byte(TAG.number);
      out.double(value);
      return;
    case 'string':
      out.byte(TAG.string);
      out.text(value);
      return;
    case 'bigint':
      out.byte(TAG.bigint);
      out.text(value.toString());
      return;
    case 'object':
      break;
    default:
      throw new SerializationError(
        `the internal serde on topic ${topic} cannot write a ${typeof value}${at(path)}: give the operation a serde (Grouped.with, Materialized.with, Repartitioned.with...)`,
      );
  }
  if (value === null) out.byte(TAG.null);
  else if (value instanceof Date) {
    out.byte(TAG.date);
    out.double(value.getTime());
  } else if (value instanceof Uint8Array) {
    out.byte(TAG.bytes);
    out.chunk(value);
  } else if (Array.isArray(value)) {
    out.byte(TAG.array);
    out.uint(value.length);
    for (let i = 0; i < value.length; i++) write(out, value[i] ?? null, topic, `${path}[${i}]`);
  } else if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    out.byte(TAG.object);
    out.uint(entries.length);
    for (const [key, v] of entries) {
      out.text(key);
      write(out, v, topic, `${path}.${key}`);
    }
  } else {
    throw new SerializationError(
      `the internal serde on topic ${topic} writes plain objects, not a ${value.constructor?.name ?? 'class instance'}${at(path)}: give the operation a serde (Grouped.with, Materialized.with, Repartitioned.with...)`,
    );
  }
}

interface Reader {
  readonly data: Buffer;
  at: number;
  readonly topic: string;
}

function read(r: Reader): unknown {
  const tag = take(r, 1).readUInt8(0);
  switch (tag) {
    case TAG.null:
      return null;
    case TAG.false:
      return false;
    case TAG.true:
      return true;
    case TAG.number:
      return take(r, 8).readDoubleBE(0);
    case TAG.string:
      return readText(r);
    case TAG.bigint:
      return BigInt(readText(r));
    case TAG.date:
      return new Date(take(r, 8).readDoubleBE(0));
    case TAG.bytes:
      return Buffer.from(take(r, readUint(r)));
    case TAG.array:
      return Array.from({ length: readUint(r) }, () => read(r));
    case TAG.object: {
      const object: { [key: string]: unknown } = {};
      for (let n = readUint(r); n > 0; n--) {
        const key = readText(r);
        object[key] = read(r);
      }
      return object;
    }
    default:
      return fail(
        r.topic,
        `unknown type tag ${tag} at byte ${r.at - 1} (not written by the internal serde?)`,
      );
  }
}

function take(r: Reader, length: number): Buffer {
  if (r.at + length > r.data.length) fail(r.topic, `the value ends early, at byte ${r.data.length}`);
  const bytes = r.data.subarray(r.at, r.at + length);
  r.at += length;
  return bytes;
}

function readUint(r: Reader): number {
  return take(r, 4).readUInt32BE(0);
}

function readText(r: Reader): string {
  return take(r, readUint(r)).toString('utf8');
}

function fail(topic: string, why: string): never {
  throw new SerializationError(`the internal serde on topic ${topic} cannot read the record: ${why}`);
}

function at(path: string): string {
  return path ? ` at ${path}` : '';
}

/** A growing buffer for one value. */
class Writer {
  private buffer = Buffer.allocUnsafe(64);
  private length = 0;

  byte(value: number): void {
    this.reserve(1);
    this.buffer.writeUInt8(value, this.length++);
  }

  uint(value: number): void {
    this.reserve(4);
    this.buffer.writeUInt32BE(value, this.length);
    this.length += 4;
  }

  double(value: number): void {
    this.reserve(8);
    this.buffer.writeDoubleBE(value, this.length);
    this.length += 8;
  }

  text(value: string): void {
    const size = Buffer.byteLength(value, 'utf8');
    this.uint(size);
    this.reserve(size);
    this.buffer.write(value, this.length, 'utf8');
    this.length += size;
  }

  chunk(value: Uint8Array): void {
    this.uint(value.length);
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private reserve(size: number): void {
    if (this.length + size <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, this.length + size));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}
