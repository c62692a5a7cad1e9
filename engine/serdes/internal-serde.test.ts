import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InternalSerde } from './internal-serde.js';
import { SerializationError } from './serde.js';

// What the internal serde promises: any value of the supported types comes back equal, and equal
// values (objects with their keys in any order) give equal bytes, so it can serialize keys.
const leaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.bigInt(),
  fc.string(),
  fc.date({ noInvalidDate: true }),
  fc.uint8Array().map((a) => Buffer.from(a)),
);
const value = fc.letrec((tie) => ({
  any: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('any'), { maxLength: 4 }),
  object: fc.dictionary(fc.string({ maxLength: 4 }), tie('any'), { maxKeys: 4 }),
})).any;

describe('the internal serde (repartition topics, changelogs, buffers without a serde)', () => {
  it('gives back what it was given, types included', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(InternalSerde.deserialize('t', InternalSerde.serialize('t', v))).toEqual(v);
      }),
    );
  });

  it('writes equal values as equal bytes, whatever the order of object keys', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 3 }), value, { maxKeys: 5 }), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        expect(InternalSerde.serialize('t', reversed)).toEqual(InternalSerde.serialize('t', object));
      }),
    );
  });

  it('keeps null a tombstone, and names what it cannot write or read', () => {
    expect(InternalSerde.serialize('t', null)).toBeNull();
    expect(InternalSerde.deserialize('t', null)).toBeNull();
    expect(() => InternalSerde.serialize('t', { at: new Map() })).toThrow(
      /internal serde on topic t writes plain objects, not a Map at \.at/,
    );
    expect(() => InternalSerde.serialize('t', [() => 1])).toThrow(/cannot write a function at \[0\]/);
    expect(() => InternalSerde.deserialize('t', Buffer.from('{"json":1}'))).toThrow(SerializationError);
    const truncated = InternalSerde.serialize('t', 'hello')!.subarray(0, 6);
    expect(() => InternalSerde.deserialize('t', truncated)).toThrow(/ends early/);
  });
});
