import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Consumed,
  Grouped,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  TopologyTestDriver,
} from '../../index.js';

const S = Serdes.String();
const L = Serdes.Long();

describe('aggregation properties (fast-check against a model)', () => {
  it('groupBy(newKey).count() equals a model count', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.string({ maxLength: 3 }), value: fc.nat(50) }), { maxLength: 80 }),
        fc.integer({ min: 1, max: 7 }),
        (records, modulus) => {
          const newKey = (v: number) => `k${v % modulus}`;
          const builder = new StreamsBuilder();
          builder
            .stream<string, number>('in', Consumed.with(S, L))
            .groupBy((_k, v) => newKey(v), Grouped.with(S, L))
            .count(Materialized.as('counts'))
            .toStream()
            .to('out', Produced.with(S, L));
          const driver = new TopologyTestDriver(builder.build(), {}, 0);
          driver.createInputTopic('in', S, L).pipeKeyValueList(records);

          const model = new Map<string, number>();
          for (const r of records) model.set(newKey(r.value), (model.get(newKey(r.value)) ?? 0) + 1);
          expect(driver.createOutputTopic('out', S, L).readKeyValuesToMap()).toEqual(model);
          const store = driver.getKeyValueStore<string, number>('counts');
          for (const [k, n] of model) expect(store.get(k)).toBe(n);
          expect(store.approximateNumEntries()).toBe(model.size);
        },
      ),
    );
  });

  it('KTable.groupBy().aggregate(adder, subtractor) equals a model after random updates and deletes', () => {
    const users = ['ann', 'bob', 'cy', 'dee', 'eve'];
    const cities = ['paris', 'rome', 'oslo'];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            user: fc.constantFrom(...users),
            city: fc.option(fc.constantFrom(...cities), { nil: null }),
            age: fc.integer({ min: 1, max: 99 }),
          }),
          { maxLength: 60 },
        ),
        (updates) => {
          const builder = new StreamsBuilder();
          builder
            .table<string, string>('users', Consumed.with(S, S))
            .groupBy(
              (_user, value) => {
                const [city, age] = value.split(':');
                return { key: city!, value: Number(age) };
              },
              Grouped.with(S, L),
            )
            .aggregate(
              () => 0,
              (_city, age, sum) => sum + age,
              (_city, age, sum) => sum - age,
              Materialized.as<string, number>('age-sum').withValueSerde(L),
            );
          const driver = new TopologyTestDriver(builder.build(), {}, 0);
          const input = driver.createInputTopic('users', S, S);
          const table = new Map<string, { city: string; age: number }>();
          for (const u of updates) {
            input.pipeInput(u.user, u.city === null ? null : `${u.city}:${u.age}`);
            if (u.city === null) table.delete(u.user);
            else table.set(u.user, { city: u.city, age: u.age });
          }
          const store = driver.getKeyValueStore<string, number>('age-sum');
          for (const city of cities) {
            const expected = [...table.values()]
              .filter((r) => r.city === city)
              .reduce((s, r) => s + r.age, 0);
            expect(store.get(city) ?? 0).toBe(expected);
          }
        },
      ),
    );
  });
});
