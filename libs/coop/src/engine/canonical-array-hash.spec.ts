import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { validSnapshot } from '../testing/snapshot.arbitrary';
import { CanonicalArrayHash, canonicalHash, canonicalJson } from './canonical-json';

const FIXTURES = join(__dirname, '..', '..', 'test-fixtures');

/** The hash of `document` with its `key` array fed to CanonicalArrayHash in chunks of `sizes`. */
function streamed(document: Record<string, unknown>, key: string, sizes: readonly number[]): string {
  const { [key]: elements, ...head } = document;
  const hash = new CanonicalArrayHash(head, key);
  const all = elements as unknown[];
  let at = 0;
  for (let s = 0; at < all.length; s++) {
    const size = sizes.length > 0 ? sizes[s % sizes.length] : all.length;
    hash.add(all.slice(at, at + size));
    at += size;
  }
  return hash.digest();
}

describe('CanonicalArrayHash', () => {
  const examples = readdirSync(FIXTURES).filter((name) => name.endsWith('.snapshot.json'));

  it('has the examples to check against', () => {
    expect(examples).toEqual(['example-1.snapshot.json', 'example-2.snapshot.json', 'example-4.snapshot.json']);
  });

  it.each(examples)('hashes %s exactly as canonicalHash, events or members streamed in any chunks', (name) => {
    const snapshot = JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Record<string, unknown>;
    const expected = canonicalHash(snapshot);
    for (const sizes of [[], [1], [2, 0, 3], [1000]]) {
      expect(streamed(snapshot, 'events', sizes)).toBe(expected);
      expect(streamed(snapshot, 'members', sizes)).toBe(expected);
    }
  });

  it('hashes random snapshots exactly as canonicalHash, whichever array is streamed', () => {
    fc.assert(
      fc.property(
        validSnapshot,
        fc.constantFrom('events', 'members'),
        fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 5 }),
        (snapshot, key, sizes) => {
          const document = { ...snapshot, internalInputHash: 'x' } as Record<string, unknown>;
          expect(streamed(document, key, sizes.some((s) => s > 0) ? sizes : [])).toBe(canonicalHash(document));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes the keys around the array in canonical order, an empty array and an empty head too', () => {
    const cases: Record<string, unknown>[] = [
      { a: 1, events: [], z: { y: 2, b: [3] } },
      { events: [{ b: 1, a: '\u2028"' }, null, [1, 'x']] },
      { events: [], zz: undefined, aa: null },
      { '\u00e9': 1, events: [true], E: 'v' },
    ];
    for (const document of cases) {
      for (const sizes of [[], [1], [0, 2]]) expect(streamed(document, 'events', sizes)).toBe(canonicalHash(document));
    }
  });

  it('hashes elements given with the text they were parsed from exactly as canonicalHash, canonical or not', () => {
    // How a chunk's text is written: canonical (the text is hashed as it is), or one of the ways
    // it is not (written again from the elements): keys in another order, spaces, escapes.
    const members = (event: object, value: (v: unknown) => string, colon = ':') =>
      `{${Object.keys(event)
        .sort()
        .map((key) => `${JSON.stringify(key)}${colon}${value((event as Record<string, unknown>)[key])}`)
        .join(',')}}`;
    const writers: Record<string, (event: object) => string> = {
      canonical: (event) => canonicalJson(event),
      reversed: (event) => JSON.stringify(Object.fromEntries(Object.entries(event).reverse())),
      spaced: (event) => members(event, (v) => JSON.stringify(v), ': '),
      escaped: (event) =>
        members(event, (v) =>
          // each "e" in a string as \u0065 (by way of a private-use character JSON.stringify leaves as it is)
          typeof v === 'string' && !v.includes('\uE000')
            ? JSON.stringify(v.replace(/e/g, '\uE000')).replace(/\uE000/g, '\\u0065')
            : JSON.stringify(v),
        ),
    };
    fc.assert(
      fc.property(
        validSnapshot,
        fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 5 }),
        fc.array(fc.constantFrom(...Object.keys(writers)), { minLength: 1, maxLength: 5 }),
        (snapshot, sizes, styles) => {
          const { events, ...head } = { ...snapshot, internalInputHash: 'x' };
          const hash = new CanonicalArrayHash(head, 'events');
          for (let at = 0, s = 0; at < events.length; s++) {
            const size = sizes.length > 0 ? sizes[s % sizes.length] : events.length;
            const text = events
              .slice(at, at + size)
              .map((event) => writers[styles[s % styles.length]](event))
              .join(',');
            hash.addParsed(JSON.parse(`[${text}]`) as unknown[], text);
            at += size;
          }
          expect(hash.digest()).toBe(canonicalHash({ ...head, events }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hashes a text as it is only when it is the canonical JSON of what it parses to', () => {
    const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
    const digestOf = (text: string) => {
      const hash = new CanonicalArrayHash({}, 'events');
      hash.addParsed(JSON.parse(`[${text}]`) as unknown[], text);
      return hash.digest();
    };
    const canonical = '{"a":1,"b":"x\\n\\"y"},{"c":null,"d":true}';
    expect(digestOf(canonical)).toBe(sha(`{"events":[${canonical}]}`));
    for (const odd of [
      '{"b":"x","a":1}',
      '{"a": 1}',
      '{"a":1e3}',
      '{"a":"\\u00e9"}',
      '{"a":{"d":1,"c":2}}',
      '{"a":1,"a":2}',
      '{"b":1,"1":2}',
      '[2,1]',
      '3',
    ]) {
      const parsed = JSON.parse(`[${odd}]`) as unknown[];
      expect([odd, digestOf(odd)]).toEqual([odd, canonicalHash({ events: parsed })]);
    }
    // Elements that are not what the text parses to, whose JSON.stringify still gives the text (a
    // class's toJSON): written as canonicalJson writes them, not hashed as the text.
    class Shown {
      constructor(readonly b: number) {}
      toJSON() {
        return { a: 1 };
      }
    }
    const hash = new CanonicalArrayHash({}, 'events');
    hash.addParsed([new Shown(2)], '{"a":1}');
    expect(hash.digest()).toBe(sha('{"events":[{"b":2}]}'));
  });

  it('refuses a head holding the array, and a second digest', () => {
    expect(() => new CanonicalArrayHash({ events: [] }, 'events')).toThrow('head has events already');
    const hash = new CanonicalArrayHash({}, 'events');
    expect(hash.digest()).toBe(canonicalHash({ events: [] }));
    expect(() => hash.digest()).toThrow('digest was taken already');
    expect(() => hash.add([1])).toThrow('digest was taken already');
    expect(() => hash.addParsed([1], '1')).toThrow('digest was taken already');
  });
});
