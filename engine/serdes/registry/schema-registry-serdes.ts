import type { Type as AvroType } from 'avsc';
import type { Serde } from '../serde.js';
import { avroFormat } from './avro-format.js';
import { type JsonSchema, jsonSchemaFormat } from './json-schema-format.js';
import { RegistrySerde, type RegistrySerdeOptions } from './registry-serde.js';
import { SchemaRegistryClient, type SchemaRegistryConfig } from './schema-registry-client.js';

/** Options of `SchemaRegistrySerdes`: the registry, and how the serde finds its schema there. */
export interface SchemaRegistrySerdeOptions extends RegistrySerdeOptions {
  /** Where the registry is (its Confluent-compatible API). */
  registry: SchemaRegistryConfig;
}

/**
 * Serdes in Confluent's wire format (magic byte 0, 4-byte schema id, body) backed by a schema
 * registry, byte-compatible with Java's KafkaAvroSerializer / KafkaJsonSchemaSerializer.
 */
export const SchemaRegistrySerdes = {
  /** Avro binary bodies; records written with another compatible schema are resolved to `schema`. */
  avro: <T>(options: SchemaRegistrySerdeOptions): Serde<T> =>
    new RegistrySerde<AvroType, T>(avroFormat, new SchemaRegistryClient(options.registry), options),
  /** UTF-8 JSON bodies, validated against the JSON Schema when written. */
  jsonSchema: <T>(options: SchemaRegistrySerdeOptions): Serde<T> =>
    new RegistrySerde<JsonSchema, T>(jsonSchemaFormat, new SchemaRegistryClient(options.registry), options),
} as const;
