import { type Serde, type SerdeUse, SerializationError } from '../serde.js';
import type { SchemaFormat } from './schema-format.js';
import {
  type RegisteredSchema,
  type SchemaRegistryClient,
  SchemaRegistryError,
} from './schema-registry-client.js';
import { type SubjectNameStrategy, subjectName } from './subject-name-strategy.js';
import { HEADER_SIZE, readSchemaId, writeHeader } from './wire-format.js';

/** How a registry serde finds its schemas; `SchemaRegistrySerdes.avro/jsonSchema` take these. */
export interface RegistrySerdeOptions {
  /** The schema to write with and to read as (an object, or its JSON text). */
  schema?: object | string;
  /**
   * Write with, and read as, the latest version registered under the subject instead of `schema`
   * (Confluent's `use.latest.version`); fetched at start.
   */
  useLatest?: boolean;
  /** Register `schema` under the subject when it is not there yet (`auto.register.schemas`); default true. */
  autoRegister?: boolean;
  /** Default `topic`: subject `<topic>-value` (or `-key`). */
  subjectNameStrategy?: SubjectNameStrategy;
  /** A key serde: subject `<topic>-key` under the `topic` strategy. Default false. */
  isKey?: boolean;
}

interface Writer<S> {
  id: number;
  schema: S;
  subject: string;
}

type Reader = (data: Buffer, offset: number) => unknown;

/** Registry calls a step needs; run awaited at start, or blocking on a cache miss. */
type Steps<R> = Generator<RegistryCall, R, unknown>;
type RegistryCall = Parameters<SchemaRegistryClient['send']>[0];

/**
 * A serde in Confluent's wire format whose schema ids come from a schema registry. Ids are cached:
 * `prepare` (called by the engine at start for each topic) resolves them off the per-record path;
 * a miss afterwards (an id first seen in a record) blocks the thread for one lookup, as Java's
 * serializers do.
 */
export class RegistrySerde<S, T> implements Serde<T> {
  private readonly writers = new Map<string, Writer<S>>();
  private readonly readers = new Map<number, Reader>();
  private readonly configured: { text: string; schema: S } | undefined;
  private readerSchema: S | undefined;
  private readonly strategy: SubjectNameStrategy;
  private readonly isKey: boolean;
  private readonly part: string;

  constructor(
    private readonly format: SchemaFormat<S>,
    private readonly client: SchemaRegistryClient,
    private readonly options: RegistrySerdeOptions,
  ) {
    this.strategy = options.subjectNameStrategy ?? 'topic';
    this.isKey = options.isKey ?? false;
    this.part = this.isKey ? 'key' : 'value';
    if (options.schema !== undefined && options.useLatest) {
      throw new SchemaRegistryError(
        `${format.label} serde: give either schema or useLatest, not both (useLatest reads the schema from the registry)`,
      );
    }
    if (options.schema !== undefined) {
      const text = typeof options.schema === 'string' ? options.schema : JSON.stringify(options.schema);
      let schema: S;
      try {
        schema = format.parse(text);
      } catch (err) {
        throw new SchemaRegistryError(
          `${format.label} serde: the schema is not valid: ${(err as Error).message}`,
        );
      }
      this.configured = { text, schema };
      this.readerSchema = schema;
    }
  }

  async prepare(topic: string, use: SerdeUse): Promise<void> {
    if (use === 'write') {
      if (!this.writers.has(topic)) this.writers.set(topic, await this.run(this.writerSteps(topic)));
      return;
    }
    for (const [id, reader] of await this.run(this.knownReaderSteps(topic))) {
      if (!this.readers.has(id)) this.readers.set(id, reader);
    }
  }

  serialize(topic: string, data: T | null): Buffer | null {
    if (data === null) return null;
    const writer = this.writers.get(topic) ?? this.missedWriter(topic);
    let framed: Buffer;
    try {
      framed = this.format.encode(writer.schema, data, HEADER_SIZE);
    } catch (err) {
      throw new SerializationError(
        `${this.what('serializer', topic)} (subject ${writer.subject}): ${(err as Error).message}`,
      );
    }
    return writeHeader(framed, writer.id);
  }

  deserialize(topic: string, data: Buffer | null): T | null {
    if (data === null) return null;
    const id = readSchemaId(data, this.what('deserializer', topic));
    const read = this.readers.get(id) ?? this.missedReader(id, topic);
    try {
      return read(data, HEADER_SIZE) as T;
    } catch (err) {
      if (err instanceof SerializationError) throw err;
      throw new SerializationError(
        `${this.what('deserializer', topic)}: the record written with schema id ${id} cannot be read: ${(err as Error).message}`,
      );
    }
  }

  private what(role: string, topic: string): string {
    return `${this.format.label} ${this.part} ${role} on topic ${topic}`;
  }

  private missedWriter(topic: string): Writer<S> {
    const writer = this.runBlocking(this.writerSteps(topic), this.what('serializer', topic));
    this.writers.set(topic, writer);
    return writer;
  }

  private missedReader(id: number, topic: string): Reader {
    const reader = this.runBlocking(this.readerSteps(id), this.what('deserializer', topic));
    this.readers.set(id, reader);
    return reader;
  }

  private subject(topic: string, schema: S | undefined): string {
    return subjectName(
      this.strategy,
      topic,
      this.isKey,
      schema === undefined ? undefined : this.format.recordName(schema),
    );
  }

  /** The schema id to write `topic`'s records with, registering the schema if allowed. */
  private *writerSteps(topic: string): Steps<Writer<S>> {
    const { client, format } = this;
    if (this.options.useLatest) {
      const subject = this.subject(topic, undefined);
      const latest = (yield client.version(subject, 'latest')) as RegisteredSchema;
      const schema = format.parse(latest.schema, yield* this.referenceSteps(latest));
      this.readerSchema ??= schema;
      return { id: latest.id, schema, subject };
    }
    if (!this.configured) {
      throw new SchemaRegistryError(
        `${this.what('serializer', topic)}: no schema to write with; pass schema, or useLatest: true`,
      );
    }
    const { text, schema } = this.configured;
    const subject = this.subject(topic, schema);
    if (this.options.autoRegister ?? true) {
      try {
        const id = (yield client.register(subject, text, format.type)) as number;
        return { id, schema, subject };
      } catch (err) {
        if (!(err instanceof SchemaRegistryError) || err.status !== 409) throw err;
        const rule = yield* this.compatibilitySteps(subject);
        throw new SchemaRegistryError(
          `subject ${subject} refused the ${format.label} schema: it is incompatible with the registered versions under the subject's compatibility rule ${rule} (${err.message})`,
          409,
          err.errorCode,
        );
      }
    }
    try {
      const found = (yield client.lookup(subject, text, format.type)) as RegisteredSchema;
      return { id: found.id, schema, subject };
    } catch (err) {
      if (!(err instanceof SchemaRegistryError) || err.status !== 404) throw err;
      throw new SchemaRegistryError(
        `the ${format.label} schema is not registered under subject ${subject}, and autoRegister is off: register it first, or set autoRegister: true (${err.message})`,
        404,
        err.errorCode,
      );
    }
  }

  private *compatibilitySteps(subject: string): Steps<string> {
    try {
      return (yield this.client.compatibility(subject)) as string;
    } catch {
      // No rule of its own: the registry's default applies.
      return `${(yield this.client.compatibility()) as string} (the registry's default)`;
    }
  }

  /** Readers of every version registered under `topic`'s subject, when the subject is known before a record. */
  private *knownReaderSteps(topic: string): Steps<Map<number, Reader>> {
    const readers = new Map<number, Reader>();
    if (this.options.useLatest && this.readerSchema === undefined) {
      yield* this.writerSteps(topic);
    }
    if (this.strategy !== 'topic' && this.readerSchema === undefined) return readers;
    const subject = this.subject(topic, this.readerSchema);
    let versions: number[];
    try {
      versions = (yield this.client.versions(subject)) as number[];
    } catch (err) {
      if (err instanceof SchemaRegistryError && err.status === 404) return readers;
      throw err;
    }
    for (const version of versions) {
      const registered = (yield this.client.version(subject, version)) as RegisteredSchema;
      const references = yield* this.referenceSteps(registered);
      readers.set(
        registered.id,
        this.reader(registered, references, `subject ${subject} version ${version}`),
      );
    }
    return readers;
  }

  private *readerSteps(id: number): Steps<Reader> {
    const registered = (yield this.client.schemaById(id)) as RegisteredSchema;
    const references = yield* this.referenceSteps(registered);
    let where = '';
    try {
      const places = (yield this.client.subjectVersionsOf(id)) as { subject: string; version: number }[];
      where = places.map((p) => `subject ${p.subject} version ${p.version}`).join(', ');
    } catch {
      // Older registries lack this endpoint; the id alone still identifies the schema.
    }
    return this.reader(registered, references, where);
  }

  /** The texts of the types `registered` refers to, transitively, each after those it refers to. */
  private *referenceSteps(registered: RegisteredSchema, seen = new Set<string>()): Steps<string[]> {
    const texts: string[] = [];
    for (const ref of registered.references) {
      const key = `${ref.subject}/${ref.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const referenced = (yield this.client.version(ref.subject, ref.version)) as RegisteredSchema;
      texts.push(...(yield* this.referenceSteps(referenced, seen)), referenced.schema);
    }
    return texts;
  }

  /** A reader of bodies written with `registered`; one that cannot be built throws on each record, naming why. */
  private reader(registered: RegisteredSchema, references: string[], where: string): Reader {
    const label = `schema id ${registered.id}${where ? ` (${where})` : ''}`;
    try {
      return this.format.reader(this.format.parse(registered.schema, references), this.readerSchema);
    } catch (err) {
      const message = `records written with ${label} cannot be read with this serde's ${this.format.label} schema: ${(err as Error).message}`;
      return () => {
        throw new SerializationError(message);
      };
    }
  }

  private async run<R>(steps: Steps<R>): Promise<R> {
    let next = steps.next();
    while (!next.done) {
      let answer: unknown;
      try {
        answer = await this.client.send(next.value);
      } catch (err) {
        next = steps.throw(err);
        continue;
      }
      next = steps.next(answer);
    }
    return next.value;
  }

  private runBlocking<R>(steps: Steps<R>, what: string): R {
    try {
      let next = steps.next();
      while (!next.done) {
        let answer: unknown;
        try {
          answer = this.client.sendBlocking(next.value);
        } catch (err) {
          next = steps.throw(err);
          continue;
        }
        next = steps.next(answer);
      }
      return next.value;
    } catch (err) {
      throw new SerializationError(`${what}: ${(err as Error).message}`);
    }
  }
}
