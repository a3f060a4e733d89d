import fc from 'fast-check';
import { StringIndex } from './string-index';

describe('StringIndex', () => {
  it('answers get, set and addIfAbsent as a Map would, across growth', () => {
    const key = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '\ud800', '\u{1F600}', '0'), maxLength: 6 });
    const op = fc.tuple(fc.constantFrom('get', 'set', 'add'), key, fc.nat({ max: 1000 }));
    fc.assert(
      fc.property(fc.nat({ max: 40 }), fc.array(op, { maxLength: 300 }), (expected, ops) => {
        const table = new StringIndex(expected);
        const map = new Map<string, number>();
        for (const [kind, k, value] of ops) {
          if (kind === 'get') expect(table.get(k)).toBe(map.get(k));
          else if (kind === 'set') {
            table.set(k, value);
            map.set(k, value);
          } else {
            expect(table.addIfAbsent(k, value)).toBe(map.get(k));
            if (!map.has(k)) map.set(k, value);
          }
          expect(table.size).toBe(map.size);
        }
        for (const [k, value] of map) expect(table.get(k)).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it('holds a million ids', () => {
    const table = new StringIndex(1000);
    let present = 0;
    for (let i = 0; i < 1_000_000; i++) if (table.addIfAbsent(`ev-${i}`, i) !== undefined) present++;
    expect(present).toBe(0);
    expect(table.size).toBe(1_000_000);
    expect(table.get('ev-999999')).toBe(999_999);
    expect(table.addIfAbsent('ev-5', 7)).toBe(5);
    expect(table.get('ev-1000000')).toBeUndefined();
  });

  it('refuses values that are not int32 indexes', () => {
    expect(() => new StringIndex().set('a', -1)).toThrow(RangeError);
    expect(() => new StringIndex().set('a', 2 ** 31)).toThrow(RangeError);
  });
});
