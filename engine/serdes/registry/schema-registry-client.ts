import { blockingHttp, type HttpRequest, type HttpResponse, http } from './registry-http.js';

/** Where the schema registry is: the base URL of its Confluent-compatible REST API. */
export interface SchemaRegistryConfig {
  /** E.g. `http://localhost:8081` (Confluent) or `http://localhost:8080/apis/ccompat/v7` (Apicurio). */
  url: string;
  /** Sent with every request, e.g. `{ authorization: 'Basic …' }`. */
  headers?: Record<string, string>;
  /** Per request; default 10,000 ms. */
  requestTimeoutMs?: number;
}

/** The kind of schema, as the registry names it. */
export type SchemaType = 'AVRO' | 'JSON';

/** A schema as registered: its global id, and where it came from when the registry says. */
export interface RegisteredSchema {
  id: number;
  schema: string;
  schemaType: SchemaType;
  subject?: string;
  version?: number;
  /** Named types the schema uses that are registered under subjects of their own. */
  references: SchemaReference[];
}

/** A named type a schema refers to, registered as `version` of `subject`. */
export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

/** The registry refused or failed a request; `errorCode` is its error code (40401, 409, …) when it gave one. */
export class SchemaRegistryError extends Error {
  override name = 'SchemaRegistryError';
  constructor(
    message: string,
    /** The HTTP status of the registry's answer, when it answered. */
    readonly status?: number,
    /** The registry's own error code (40401 subject not found, 409 incompatible, …), when it gave one. */
    readonly errorCode?: number,
  ) {
    super(message);
  }
}

/** A request and how to read its answer; run by either transport. */
interface RegistryCall<T> {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  read(status: number, body: unknown): T;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * The part of the Confluent Schema Registry REST API the serdes use. Every call can run awaited
 * (at start) or blocking (on a cache miss inside a synchronous serde).
 */
export class SchemaRegistryClient {
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(config: SchemaRegistryConfig) {
    if (!/^https?:\/\//.test(config.url)) {
      throw new SchemaRegistryError(
        `schema registry url '${config.url}' is not an http(s) URL, e.g. http://localhost:8081`,
      );
    }
    this.base = config.url.replace(/\/+$/, '');
    this.headers = { accept: CONTENT_TYPE, 'content-type': CONTENT_TYPE, ...config.headers };
    this.timeoutMs = config.requestTimeoutMs ?? 10_000;
  }

  get url(): string {
    return this.base;
  }

  register(subject: string, schema: string, schemaType: SchemaType): RegistryCall<number> {
    return {
      method: 'POST',
      path: `/subjects/${encodeURIComponent(subject)}/versions`,
      body: schemaBody(schema, schemaType),
      read: (_status, body) => (body as { id: number }).id,
    };
  }

  /** The id and version of `schema` under `subject`, if registered there. */
  lookup(subject: string, schema: string, schemaType: SchemaType): RegistryCall<RegisteredSchema> {
    return {
      method: 'POST',
      path: `/subjects/${encodeURIComponent(subject)}`,
      body: schemaBody(schema, schemaType),
      read: (_status, body) => registered(body, subject),
    };
  }

  version(subject: string, version: number | 'latest'): RegistryCall<RegisteredSchema> {
    return {
      method: 'GET',
      path: `/subjects/${encodeURIComponent(subject)}/versions/${version}`,
      read: (_status, body) => registered(body, subject),
    };
  }

  versions(subject: string): RegistryCall<number[]> {
    return {
      method: 'GET',
      path: `/subjects/${encodeURIComponent(subject)}/versions`,
      read: (_status, body) => body as number[],
    };
  }

  schemaById(id: number): RegistryCall<RegisteredSchema> {
    return {
      method: 'GET',
      path: `/schemas/ids/${id}`,
      read: (_status, body) => registered({ ...(body as object), id }),
    };
  }

  /** The subjects and versions under which schema `id` is registered. */
  subjectVersionsOf(id: number): RegistryCall<{ subject: string; version: number }[]> {
    return {
      method: 'GET',
      path: `/schemas/ids/${id}/versions`,
      read: (_status, body) => body as { subject: string; version: number }[],
    };
  }

  /** The compatibility rule of `subject`, or the registry's default when the subject has none. */
  compatibility(subject?: string): RegistryCall<string> {
    return {
      method: 'GET',
      path: subject === undefined ? '/config' : `/config/${encodeURIComponent(subject)}`,
      read: (_status, body) => (body as { compatibilityLevel: string }).compatibilityLevel,
    };
  }

  async send<T>(call: RegistryCall<T>): Promise<T> {
    let response: HttpResponse;
    try {
      response = await http(this.request(call));
    } catch (err) {
      throw new SchemaRegistryError(
        `schema registry ${this.base}: ${call.method} ${call.path} failed: ${(err as Error).message}`,
      );
    }
    return this.answer(call, response);
  }

  sendBlocking<T>(call: RegistryCall<T>): T {
    let response: HttpResponse;
    try {
      response = blockingHttp(this.request(call));
    } catch (err) {
      throw new SchemaRegistryError(`schema registry ${this.base}: ${(err as Error).message}`);
    }
    return this.answer(call, response);
  }

  private request(call: RegistryCall<unknown>): HttpRequest {
    return {
      method: call.method,
      url: this.base + call.path,
      headers: this.headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      timeoutMs: this.timeoutMs,
    };
  }

  private answer<T>(call: RegistryCall<T>, response: HttpResponse): T {
    let body: unknown;
    try {
      body = response.body === '' ? null : JSON.parse(response.body);
    } catch {
      body = response.body;
    }
    if (response.status >= 200 && response.status < 300) return call.read(response.status, body);
    const { error_code: errorCode, message } = (body ?? {}) as { error_code?: number; message?: string };
    throw new SchemaRegistryError(
      `schema registry ${this.base}: ${call.method} ${call.path} answered ${response.status}` +
        `${errorCode ? ` (error ${errorCode})` : ''}: ${message ?? response.body}`,
      response.status,
      errorCode,
    );
  }
}

function schemaBody(schema: string, schemaType: SchemaType): object {
  // Confluent's API leaves schemaType out for Avro, its default.
  return schemaType === 'AVRO' ? { schema } : { schema, schemaType };
}

function registered(body: unknown, subject?: string): RegisteredSchema {
  const b = body as Partial<RegisteredSchema> & { id: number; schema: string };
  return {
    id: b.id,
    schema: b.schema,
    schemaType: b.schemaType ?? 'AVRO',
    subject: b.subject ?? subject,
    version: b.version,
    references: b.references ?? [],
  };
}
