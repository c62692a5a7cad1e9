import { type AvroSerdeOptions, avroSerde } from './avro-serde.js';
import { type Serde, SerializationError } from './serde.js';

const TWO_32 = 4294967296;

function fixedWidth(width: number, type: string, topic: string, data: Buffer): void {
  if (data.length !== width) {
    throw new SerializationError(
      `${type} deserializer on topic ${topic}: expected ${width} bytes, got ${data.length}`,
    );
  }
}

const stringSerde: Serde<string> = {
  kind: 'String',
  serialize: (_topic, data) => (data === null ? null : Buffer.from(data, 'utf8')),
  deserialize: (_topic, data) => (data === null ? null : data.toString('utf8')),
};

/** Big-endian two's complement 64-bit, byte-compatible with Kafka's LongSerializer, for safe integers. */
const longSerde: Serde<number> = {
  kind: 'Long',
  serialize(topic, data) {
    if (data === null) return null;
    if (!Number.isSafeInteger(data)) {
      throw new SerializationError(`Long serializer on topic ${topic}: ${data} is not a safe integer`);
    }
    const buf = Buffer.allocUnsafe(8);
    const high = Math.floor(data / TWO_32);
    buf.writeInt32BE(high, 0);
    buf.writeUInt32BE(data - high * TWO_32, 4);
    return buf;
  },
  deserialize(topic, data) {
    if (data === null) return null;
    fixedWidth(8, 'Long', topic, data);
    const value = data.readInt32BE(0) * TWO_32 + data.readUInt32BE(4);
    if (!Number.isSafeInteger(value)) {
      throw new SerializationError(
        `Long deserializer on topic ${topic}: value exceeds 2^53; use a BigInt serde`,
      );
    }
    return value;
  },
};

const integerSerde: Serde<number> = {
  kind: 'Integer',
  serialize(topic, data) {
    if (data === null) return null;
    if (!Number.isInteger(data) || data < -2147483648 || data > 2147483647) {
      throw new SerializationError(`Integer serializer on topic ${topic}: ${data} is not a 32-bit integer`);
    }
    const buf = Buffer.allocUnsafe(4);
    buf.writeInt32BE(data, 0);
    return buf;
  },
  deserialize(topic, data) {
    if (data === null) return null;
    fixedWidth(4, 'Integer', topic, data);
    return data.readInt32BE(0);
  },
};

const doubleSerde: Serde<number> = {
  kind: 'Double',
  serialize(_topic, data) {
    if (data === null) return null;
    const buf = Buffer.allocUnsafe(8);
    buf.writeDoubleBE(data, 0);
    return buf;
  },
  deserialize(topic, data) {
    if (data === null) return null;
    fixedWidth(8, 'Double', topic, data);
    return data.readDoubleBE(0);
  },
};

const bytesSerde: Serde<Buffer> = {
  kind: 'Bytes',
  serialize: (_topic, data) => data,
  deserialize: (_topic, data) => data,
};

const voidSerde: Serde<null> = {
  kind: 'Void',
  serialize(topic, data) {
    if (data !== null)
      throw new SerializationError(`Void serializer on topic ${topic}: only null is allowed`);
    return null;
  },
  deserialize(topic, data) {
    if (data !== null) throw new SerializationError(`Void deserializer on topic ${topic}: expected no bytes`);
    return null;
  },
};

function jsonSerde<T>(): Serde<T> {
  return {
    kind: 'Json',
    serialize: (_topic, data) => (data === null ? null : Buffer.from(JSON.stringify(data), 'utf8')),
    deserialize(topic, data) {
      if (data === null) return null;
      try {
        return JSON.parse(data.toString('utf8')) as T;
      } catch (err) {
        throw new SerializationError(`JSON deserializer on topic ${topic}: ${(err as Error).message}`);
      }
    },
  };
}

/** The built-in serdes, named as in Kafka's `Serdes`. Numbers are big-endian like Java's. */
export const Serdes = {
  String: (): Serde<string> => stringSerde,
  Long: (): Serde<number> => longSerde,
  Integer: (): Serde<number> => integerSerde,
  Double: (): Serde<number> => doubleSerde,
  Bytes: (): Serde<Buffer> => bytesSerde,
  Void: (): Serde<null> => voidSerde,
  Json: <T>(): Serde<T> => jsonSerde<T>(),
  /** Plain Avro binary (no registry, no header); see `SchemaRegistrySerdes` for Confluent's wire format. */
  Avro: <T>(schema: object, options?: AvroSerdeOptions): Serde<T> => avroSerde<T>(schema, options),
} as const;
