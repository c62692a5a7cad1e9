import type { SchemaType } from './schema-registry-client.js';

/** What the registry serdes need of a schema language (Avro, JSON Schema). */
export interface SchemaFormat<S> {
  readonly type: SchemaType;
  /** For messages: `Avro`, `JSON Schema`. */
  readonly label: string;
  /**
   * Parses a schema's text; throws naming what is wrong. `references` are the texts of the named
   * types it refers to (schema references), each after those it depends on.
   */
  parse(text: string, references?: readonly string[]): S;
  /** The record name the `record` and `topic-record` subject strategies use, if the schema has one. */
  recordName(schema: S): string | undefined;
  /** The value's encoding, after `offset` bytes left free for the frame; throws naming the bad field. */
  encode(schema: S, value: unknown, offset: number): Buffer;
  /**
   * How to read bodies written with `writer` as `reader` (or as written); throws when it cannot.
   * The body starts at `offset` of `data` and runs to its end.
   */
  reader(writer: S, reader: S | undefined): (data: Buffer, offset: number) => unknown;
}
