import { Ajv, type ValidateFunction } from 'ajv';
import type { SchemaFormat } from './schema-format.js';

/** A JSON Schema (draft-07, as Confluent's serializers default to) and its compiled validator. */
export interface JsonSchema {
  readonly document: { title?: unknown };
  readonly validate: ValidateFunction;
}

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
    // An Ajv of its own: one Ajv refuses a second schema with the same $id (a newer version).
    // `discriminator` (OpenAPI's keyword) lets a oneOf tagged by a property report only the
    // errors of the branch the tag names.
    return { document, validate: new Ajv({ strict: false, discriminator: true }).compile(document) };
  },
  recordName: (schema) => (typeof schema.document.title === 'string' ? schema.document.title : undefined),
  encode(schema, value, offset) {
    if (!schema.validate(value)) {
      const e = schema.validate.errors?.[0];
      const extra = e?.params.additionalProperty;
      throw new Error(
        `the value does not match the JSON Schema: ${e ? `${e.instancePath || '(the value)'} ${e.message}${extra ? ` ('${extra}')` : ''}` : 'invalid'}`,
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
