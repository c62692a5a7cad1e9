import { Ajv, type ValidateFunction } from 'ajv';
import type { SchemaFormat } from './schema-format.js';

/** A JSON Schema (draft-07, as Confluent's serializers default to) and its compiled validator. */
export interface JsonSchema {
  readonly document: { title?: unknown };
  readonly validate: ValidateFunction;
}

const ajv = new Ajv({ allErrors: false, strict: false });

/** JSON text, validated against the schema when written. */
export const jsonSchemaFormat: SchemaFormat<JsonSchema> = {
  type: 'JSON',
  label: 'JSON Schema',
  parse(text, references = []) {
    if (references.length > 0) {
      throw new Error(
        'JSON Schemas with schema references are not supported; register it with its definitions inline',
      );
    }
    const document = JSON.parse(text) as JsonSchema['document'];
    return { document, validate: ajv.compile(document) };
  },
  recordName: (schema) => (typeof schema.document.title === 'string' ? schema.document.title : undefined),
  encode(schema, value, offset) {
    if (!schema.validate(value)) {
      const e = schema.validate.errors?.[0];
      throw new Error(
        `the value does not match the JSON Schema: ${e ? `${e.instancePath || '(the value)'} ${e.message}` : 'invalid'}`,
      );
    }
    const json = JSON.stringify(value);
    const out = Buffer.allocUnsafe(offset + Buffer.byteLength(json));
    out.write(json, offset, 'utf8');
    return out;
  },
  // JSON carries its field names: a body reads the same whatever schema version wrote it.
  reader: () => (data, offset) => JSON.parse(data.toString('utf8', offset)),
};
