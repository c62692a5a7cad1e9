import avro from 'avsc';
import type { SchemaFormat } from './schema-format.js';

type AvroType = avro.Type;

// One scratch buffer per thread: values are encoded into it, then copied out at their size.
let scratch = Buffer.allocUnsafe(64 * 1024);

/** Avro binary on avsc, with reader/writer schema resolution. */
export const avroFormat: SchemaFormat<AvroType> = {
  type: 'AVRO',
  label: 'Avro',
  parse(text, references = []) {
    // Referenced named types go first into one registry, where the schema then finds their names.
    const registry = {};
    for (const reference of references) avro.Type.forSchema(JSON.parse(reference), { registry });
    return avro.Type.forSchema(JSON.parse(text), { registry });
  },
  recordName: (type) => (type.typeName === 'record' || type.typeName === 'error' ? type.name : undefined),
  encode: encodeAvro,
  reader(writer, reader) {
    if (reader === undefined || reader.equals(writer))
      return (data, offset) => decodeAvro(writer, data, offset);
    let resolver: avro.Resolver;
    try {
      resolver = reader.createResolver(writer);
    } catch (err) {
      throw new Error(explainUnreadable(reader, writer, err as Error));
    }
    return (data, offset) => decodeAvro(reader, data, offset, resolver);
  },
};

/** The value encoded from `offset` to the end of `data` (no Buffer view made for the body). */
export function decodeAvro(type: AvroType, data: Buffer, offset: number, resolver?: avro.Resolver): unknown {
  const { value, offset: end } = type.decode(data, offset, resolver);
  if (end === data.length) return value;
  throw new Error(end < 0 ? 'truncated buffer' : `trailing data: ${data.length - end} bytes after the value`);
}

export function encodeAvro(type: AvroType, value: unknown, offset: number): Buffer {
  let end: number;
  try {
    end = type.encode(value, scratch, offset);
    if (end < 0) {
      scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end));
      end = type.encode(value, scratch, offset);
    }
  } catch {
    throw new Error(invalidValue(type, value));
  }
  const out = Buffer.allocUnsafe(end);
  scratch.copy(out, 0, 0, end);
  return out;
}

/** Names the first field of `value` that does not fit `type` (avsc's own message names only the type). */
function invalidValue(type: AvroType, value: unknown): string {
  let found = '';
  type.isValid(value, {
    errorHook(path, bad, badType) {
      if (!found)
        found = `field '${path.join('.') || '(the value)'}' is ${JSON.stringify(bad)}, not a valid ${describe(badType)}`;
    },
  });
  return `the value does not match the Avro schema ${type.name ?? type.typeName}: ${found || 'invalid'}`;
}

/** avsc names the types that cannot be resolved but not the field: find the record field at fault. */
function explainUnreadable(reader: AvroType, writer: AvroType, err: Error): string {
  if (reader.typeName === 'record' && writer.typeName === 'record') {
    const writerFields = new Map((writer as avro.types.RecordType).fields.map((f) => [f.name, f] as const));
    for (const field of (reader as avro.types.RecordType).fields) {
      const written = writerFields.get(field.name);
      if (!written) continue;
      try {
        field.type.createResolver(written.type);
      } catch (inner) {
        return `field '${field.name}' was written as ${describe(written.type)} and cannot be read as ${describe(field.type)} (${(inner as Error).message})`;
      }
    }
  }
  return err.message;
}

function describe(type: AvroType): string {
  return type.name ?? type.typeName;
}
