import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalHash, canonicalJson } from './canonical-json';

/** A plain recursive canonical writer: keys sorted by code units, everything else as JSON.stringify writes it. */
const reference = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${reference(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

describe('canonicalJson (RFC 8785)', () => {
  it('serialises the RFC §3.2.2 example', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (RFC §3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('writes the IEEE 754 value %s as %s (RFC Appendix B)', (bits, expected) => {
    const value = Buffer.from(bits, 'hex').readDoubleBE(0);
    expect(canonicalJson([value])).toBe(`[${expected}]`);
  });

  it.each([NaN, Infinity, -Infinity, 10n, undefined])('refuses %p, which JSON cannot carry', (value) => {
    expect(() => canonicalJson({ value: [value] })).toThrow(TypeError);
  });

  it('sorts integer-like keys as strings, not in the order JavaScript enumerates them', () => {
    expect(canonicalJson({ a: 3, '10': 1, '2': 2, '': 0 })).toBe('{"":0,"10":1,"2":2,"a":3}');
  });

  it('leaves out members whose value is undefined, as JSON.stringify does', () => {
    expect(canonicalJson({ b: 1, a: undefined, c: { z: [], y: {} } })).toBe('{"b":1,"c":{"y":{},"z":[]}}');
  });

  it('hashes the canonical form with SHA-256, also when it is written in many chunks', () => {
    const big = { events: Array.from({ length: 20_000 }, (_, i) => ({ type: 'PUBLISHED', id: `ev-${i}` })) };
    const expected = createHash('sha256').update(canonicalJson(big)).digest('hex');
    expect(canonicalHash(big)).toBe(expected);
    expect(canonicalHash({ b: [1, 'x'], a: null })).toBe(
      createHash('sha256').update('{"a":null,"b":[1,"x"]}').digest('hex'),
    );
  });

  it('equals a plain recursive reference on any JSON value, strings of any code units included', () => {
    const json = fc.jsonValue({
      depthSize: 'small',
      stringUnit: fc.constantFrom('a', 'é', '"', '\\', '\n', '\u0001', '\ud800', '\udc00', '\u{1F600}', '\u2028'),
    });
    fc.assert(
      fc.property(json, (value) => expect(canonicalJson(value)).toBe(reference(value))),
      { numRuns: 500 },
    );
  });

  it('writes long arrays of flat objects, keys sorted or not, as each element alone', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', '1', '2', '"', '\\', '\n', '\u0001', '\ud800', '\udc00', '\u{1F600}', '\u007f'),
    });
    const number = fc.double({ noNaN: true, noDefaultInfinity: true });
    const primitive = fc.oneof(text, fc.integer(), number, fc.boolean(), fc.constant(null));
    // entries in sorted or given order, so the fast path and the fallback alternate within a run
    const flat = fc
      .tuple(fc.dictionary(text, primitive, { maxKeys: 5 }), fc.boolean())
      .map(([record, sorted]) =>
        sorted ? Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : record,
      );
    const element = fc.oneof({ weight: 8, arbitrary: flat }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });
    const oneByOne = (values: unknown[]) =>
      `[${values.map((value) => canonicalJson({ value }).slice('{"value":'.length, -1)).join(',')}]`;
    fc.assert(
      fc.property(fc.array(element, { maxLength: 40 }), (values) => {
        expect(canonicalJson(values)).toBe(oneByOne(values));
      }),
      { numRuns: 1000 },
    );
    const long = Array.from({ length: 10_000 }, (_, i) =>
      i % 3333 === 0 ? { b: i, a: 'unsorted' } : { a: `x${i}\u2028`, b: i, c: i % 2 === 0 ? null : -0 },
    );
    expect(canonicalJson(long)).toBe(oneByOne(long));
  });

  it('writes runs of flat objects with keys out of order, Object.prototype names among them, as the reference', () => {
    const key = fc.constantFrom(
      'id',
      'type',
      'member',
      'actor',
      'object',
      'amount',
      '10',
      '2',
      'constructor',
      '__proto__',
      'toString',
      'é',
      '\u{1F600}',
      '\uffff',
    );
    const primitive = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    );
    const flat = fc.tuple(fc.array(fc.tuple(key, primitive), { maxLength: 6 }), fc.boolean()).map(([entries, bare]) => {
      // fromEntries defines own data properties, `__proto__` included
      const record = Object.fromEntries(entries) as Record<string, unknown>;
      return bare ? Object.assign(Object.create(null) as object, record) : record;
    });
    fc.assert(
      fc.property(fc.array(flat, { maxLength: 30 }), (values) => {
        expect(canonicalJson(values)).toBe(reference(values));
        expect(canonicalHash(values)).toBe(createHash('sha256').update(reference(values)).digest('hex'));
      }),
      { numRuns: 1000 },
    );
  });
});
