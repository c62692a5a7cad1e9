import type { Serde, SerdeKind } from 'rivulet';
import { HttpError } from './http-error.js';

/** Parses a key that arrived as text (a path segment or a query parameter) into a store's key. */
export type KeyParser = (text: string) => unknown;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** How keys of each built-in serde read as text, and what a caller must send. */
const PARSERS: Record<SerdeKind, { form: string; parse: (text: string) => unknown }> = {
  String: { form: 'any text', parse: (text) => text },
  Long: {
    form: 'a whole number (safe integer)',
    parse: (text) => wholeNumber(text, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  },
  Integer: { form: 'a 32-bit whole number', parse: (text) => wholeNumber(text, INT32_MIN, INT32_MAX) },
  Double: {
    form: 'a number',
    parse: (text) => {
      const n = text.trim() === '' ? Number.NaN : Number(text);
      return Number.isFinite(n) ? n : undefined;
    },
  },
  Json: {
    form: 'JSON (a string key in double quotes)',
    parse: (text) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
    },
  },
  Bytes: {
    form: 'base64url',
    parse: (text) => (/^[A-Za-z0-9_-]*={0,2}$/.test(text) ? Buffer.from(text, 'base64url') : undefined),
  },
  Void: { form: 'nothing (Void keys cannot be queried)', parse: () => undefined },
};

function wholeNumber(text: string, min: number, max: number): number | undefined {
  if (!/^-?\d{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

/** The key form of a serde, as `GET /stores` shows it. */
export function keyForm(serde: Serde<unknown> | undefined, custom: KeyParser | undefined): string {
  if (custom) return 'custom';
  return serde?.kind ? serde.kind : 'unknown';
}

/**
 * The parser of a store's keys: the store's own from the server options, else the one of its
 * key serde's kind. A key it cannot read is a 400 naming the form expected.
 */
export function keyParser(
  storeName: string,
  serde: Serde<unknown> | undefined,
  custom: KeyParser | undefined,
): (text: string) => unknown {
  if (custom) {
    return (text) => {
      try {
        return custom(text);
      } catch (err) {
        throw new HttpError(
          400,
          'bad-key',
          `store ${storeName}: key '${text}' was refused by its key parser: ${(err as Error).message}`,
        );
      }
    };
  }
  const kind = serde?.kind;
  if (!kind) {
    return () => {
      throw new HttpError(
        400,
        'unknown-key-form',
        `store ${storeName} has a key serde of your own, so its keys cannot be read from text; pass keyParsers: { '${storeName}': (text) => key } to startQueryServer`,
      );
    };
  }
  const { form, parse } = PARSERS[kind];
  return (text) => {
    const key = parse(text);
    if (key === undefined || key === null)
      throw new HttpError(
        400,
        'bad-key',
        `store ${storeName} has ${kind} keys: expected ${form}, got '${text}'`,
      );
    return key;
  };
}
