import { SerializationError } from '../serde.js';

/** Confluent's wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the body. */
export const HEADER_SIZE = 5;
const MAGIC_BYTE = 0;

/** Writes the header into the first HEADER_SIZE bytes the body's encoder left free. */
export function writeHeader(framed: Buffer, schemaId: number): Buffer {
  framed[0] = MAGIC_BYTE;
  framed.writeInt32BE(schemaId, 1);
  return framed;
}

export function readSchemaId(data: Buffer, what: string): number {
  if (data.length < HEADER_SIZE || data[0] !== MAGIC_BYTE) {
    throw new SerializationError(
      `${what}: not in the schema registry's wire format (expected magic byte 0 and a 4-byte schema id, got ${data.length} bytes starting ${data.subarray(0, HEADER_SIZE).toString('hex') || '(empty)'})`,
    );
  }
  return data.readInt32BE(1);
}
