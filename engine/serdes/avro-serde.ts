import avro from 'avsc';
import { avroFormat, encodeAvro } from './registry/avro-format.js';
import { type Serde, SerializationError } from './serde.js';

/** Options of `Serdes.Avro`. */
export interface AvroSerdeOptions {
  /** Records were written with this schema; they are read as the serde's schema (Avro schema resolution). */
  writerSchema?: object;
}

/** Plain Avro binary with a schema both sides know: no registry, no header. */
export function avroSerde<T>(schema: object, options: AvroSerdeOptions = {}): Serde<T> {
  const type = parse(schema, 'schema');
  const writer = options.writerSchema === undefined ? type : parse(options.writerSchema, 'writerSchema');
  let read: (data: Buffer, offset: number) => unknown;
  try {
    read = avroFormat.reader(writer, type);
  } catch (err) {
    throw new SerializationError(
      `Serdes.Avro: records of writerSchema cannot be read as schema: ${(err as Error).message}`,
    );
  }
  return {
    serialize(topic, data) {
      if (data === null) return null;
      try {
        return encodeAvro(type, data, 0);
      } catch (err) {
        throw new SerializationError(`Avro serializer on topic ${topic}: ${(err as Error).message}`);
      }
    },
    deserialize(topic, data) {
      if (data === null) return null;
      try {
        return read(data, 0) as T;
      } catch (err) {
        throw new SerializationError(`Avro deserializer on topic ${topic}: ${(err as Error).message}`);
      }
    },
  };
}

function parse(schema: object, option: string): avro.Type {
  try {
    return avro.Type.forSchema(schema as avro.Schema);
  } catch (err) {
    throw new SerializationError(
      `Serdes.Avro: ${option} is not a valid Avro schema: ${(err as Error).message}`,
    );
  }
}
