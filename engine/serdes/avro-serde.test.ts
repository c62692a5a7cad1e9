import avro from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SerializationError } from './serde.js';
import { Serdes } from './serdes.js';

const LINE = {
  type: 'record',
  name: 'Line',
  namespace: 'shop',
  fields: [
    { name: 'productId', type: 'string' },
    { name: 'quantity', type: 'int' },
    { name: 'unitPrice', type: 'double' },
    { name: 'coupon', type: ['null', 'string'], default: null },
    { name: 'tags', type: { type: 'array', items: 'string' } },
  ],
};

interface Line {
  productId: string;
  quantity: number;
  unitPrice: number;
  coupon: string | null;
  tags: string[];
}

const lines = fc.record({
  productId: fc.string(),
  quantity: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  unitPrice: fc.double({ noNaN: true }),
  coupon: fc.option(fc.string(), { nil: null }),
  tags: fc.array(fc.string(), { maxLength: 5 }),
});

describe('Serdes.Avro', () => {
  const serde = Serdes.Avro<Line>(LINE);

  it('round-trips any value of the schema, as the Avro spec encodes it (avsc as the model)', () => {
    const model = avro.Type.forSchema(LINE as avro.Schema);
    fc.assert(
      fc.property(lines, (line) => {
        const bytes = serde.serialize('t', line)!;
        expect(bytes).toEqual(model.toBuffer(line));
        expect({ ...serde.deserialize('t', bytes) }).toEqual(line);
      }),
    );
    expect(serde.serialize('t', null)).toBeNull();
    expect(serde.deserialize('t', null)).toBeNull();
  });

  it('encodes exactly as the Avro specification says (zig-zag varints, length-prefixed strings)', () => {
    const bytes = serde.serialize('t', {
      productId: 'p',
      quantity: -1,
      unitPrice: 0,
      coupon: null,
      tags: [],
    })!;
    // "p" = len 1 (zig-zag 2) + 0x70; -1 = 0x01; double 0 = 8 zero bytes; union branch 0; empty array 0.
    expect(bytes.toString('hex')).toBe(`0270${'01'}${'00'.repeat(8)}0000`);
  });

  it('reads records written with an older schema (writerSchema), filling defaults', () => {
    const older = { ...LINE, fields: LINE.fields.filter((f) => f.name !== 'coupon') };
    const oldBytes = Serdes.Avro<Omit<Line, 'coupon'>>(older).serialize('t', {
      productId: 'p',
      quantity: 2,
      unitPrice: 1.5,
      tags: ['a'],
    });
    const reader = Serdes.Avro<Line>(LINE, { writerSchema: older });
    expect({ ...reader.deserialize('t', oldBytes) }).toEqual({
      productId: 'p',
      quantity: 2,
      unitPrice: 1.5,
      coupon: null,
      tags: ['a'],
    });
  });

  it('names the field of a value that does not fit, and the topic of bytes that do not parse', () => {
    expect(() => serde.serialize('orders', { productId: 'p', quantity: 1.5 } as never)).toThrow(
      /Avro serializer on topic orders:.*field 'quantity' is 1.5, not a valid int/,
    );
    expect(() => serde.deserialize('orders', Buffer.from([0x02]))).toThrow(SerializationError);
    expect(() => serde.deserialize('orders', Buffer.from([0x02]))).toThrow(
      /Avro deserializer on topic orders: truncated/,
    );
  });

  it('refuses an invalid schema and a writerSchema it cannot read from, at creation', () => {
    expect(() => Serdes.Avro({ type: 'record', name: 'X', fields: [{ name: 'a', type: 'nope' }] })).toThrow(
      /schema is not a valid Avro schema.*nope/,
    );
    const required = { ...LINE, fields: [...LINE.fields, { name: 'extra', type: 'string' }] };
    expect(() => Serdes.Avro(required, { writerSchema: LINE })).toThrow(/default-less shop.Line.extra/);
  });
});
