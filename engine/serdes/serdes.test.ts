import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Serdes } from './serdes.js';

describe('Serdes', () => {
  it('Long is big-endian two’s complement like Java', () => {
    expect(Serdes.Long().serialize('t', 1)?.toString('hex')).toBe('0000000000000001');
    expect(Serdes.Long().serialize('t', -1)?.toString('hex')).toBe('ffffffffffffffff');
    expect(
      Serdes.Long()
        .serialize('t', 2 ** 40 + 5)
        ?.toString('hex'),
    ).toBe('0000010000000005');
  });
  it('Integer and Double match Java encodings', () => {
    expect(Serdes.Integer().serialize('t', -2)?.toString('hex')).toBe('fffffffe');
    expect(Serdes.Double().serialize('t', 1.5)?.toString('hex')).toBe('3ff8000000000000');
  });
  it('round-trips safe integers, doubles and strings', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.double({ noNaN: true }), fc.string(), (n, d, s) => {
        expect(Serdes.Long().deserialize('t', Serdes.Long().serialize('t', n))).toBe(n);
        expect(Serdes.Double().deserialize('t', Serdes.Double().serialize('t', d))).toBe(d);
        expect(Serdes.String().deserialize('t', Serdes.String().serialize('t', s))).toBe(s);
      }),
    );
  });
  it('null is a tombstone for every serde', () => {
    for (const serde of [Serdes.String(), Serdes.Long(), Serdes.Json<unknown>(), Serdes.Bytes()]) {
      expect(serde.serialize('t', null)).toBeNull();
      expect(serde.deserialize('t', null)).toBeNull();
    }
  });
  it('rejects bytes of the wrong width with the topic named', () => {
    expect(() => Serdes.Long().deserialize('orders', Buffer.from([1, 2]))).toThrow(/orders.*8 bytes, got 2/);
    expect(() => Serdes.Json().deserialize('orders', Buffer.from('{nope'))).toThrow(
      /JSON deserializer on topic orders/,
    );
  });
});
