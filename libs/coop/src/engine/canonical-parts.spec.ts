import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { publishSnapshot } from '../transparency/published-snapshot';
import { validSnapshot } from '../testing/snapshot.arbitrary';
import { canonicalHash, canonicalJson } from './canonical-json';
import { canonicalPartBuffers, canonicalParts } from './canonical-parts';
import { closePeriod } from './close-period';
import type { PeriodSnapshot } from './snapshot';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../test-fixtures', name), 'utf8')) as PeriodSnapshot;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('canonicalParts', () => {
  it.each(['example-1', 'example-2', 'example-4'])(
    'joins to the canonical JSON of %s, published, whose SHA-256 is its result’s inputHash',
    (name) => {
      const published = publishSnapshot(fixture(`${name}.snapshot.json`), 'c'.repeat(64));
      const { inputHash } = closePeriod(published);
      for (const partChars of [1, 50, 1 << 20]) {
        const parts = [...canonicalParts(published, partChars)];
        expect(parts.join('')).toBe(canonicalJson(published));
        expect(sha256(parts.join(''))).toBe(inputHash);
        if (partChars === 1) expect(parts.length).toBeGreaterThan(3);
        if (partChars === 1 << 20) expect(parts).toHaveLength(1);
      }
    },
  );

  it('starts with the events (the first key in canonical order) and sorts every object’s keys', () => {
    const published = publishSnapshot(fixture('example-1.snapshot.json'), 'c'.repeat(64));
    const text = [...canonicalParts(published, 1 << 20)].join('');
    expect(text.startsWith('{"events":[{"')).toBe(true);
    expect(text).toContain('"internalInputHash":"');
    expect(text.indexOf('"members":')).toBeGreaterThan(text.indexOf('"internalInputHash":'));
    // An event's keys: actor, amount, id, member, object, type (those it has), in that order.
    const keys = Object.keys((JSON.parse(text) as PeriodSnapshot).events[0]);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toContain('id');
  });

  it('joins to canonicalJson of any object, arrays long or short, undefined members left out', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string(),
          fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue(), { maxLength: 9000 }), fc.constant(undefined)),
        ),
        fc.integer({ min: 1, max: 5000 }),
        (document, partChars) =>
          expect([...canonicalParts(document, partChars)].join('')).toBe(canonicalJson(document)),
      ),
      { numRuns: 60 },
    );
  });

  it('keeps each part near partChars: a long array is split between runs', () => {
    const events = Array.from({ length: 20_000 }, (_, i) => ({ type: 'PUBLISHED', id: `e-${i}` }));
    const parts = [...canonicalParts({ format: 'x', events }, 100_000)];
    expect(parts.join('')).toBe(canonicalJson({ format: 'x', events }));
    expect(parts.join('').startsWith('{"events":[{"id":"e-0","type":"PUBLISHED"},{"id":"e-1"')).toBe(true);
    expect(parts.length).toBeGreaterThanOrEqual(4);
    for (const part of parts.slice(0, -1)) expect(part.length).toBeGreaterThanOrEqual(100_000);
  });

  it('takes random snapshots apart and together again, hashing as canonicalHash does', () => {
    fc.assert(
      fc.property(validSnapshot, fc.integer({ min: 1, max: 300 }), (snapshot, partChars) => {
        const text = [...canonicalParts(snapshot, partChars)].join('');
        expect(text).toBe(canonicalJson(snapshot));
        expect(sha256(text)).toBe(canonicalHash(snapshot));
      }),
      { numRuns: 100 },
    );
  });

  it('as bytes: parts of UTF-8 that join to canonicalJson’s, each a buffer of its own', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ unit: 'binary' }),
          fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue(), { maxLength: 9000 }), fc.constant(undefined)),
        ),
        fc.integer({ min: 1, max: 5000 }),
        (document, partBytes) => {
          const parts = [...canonicalPartBuffers(document, partBytes)];
          expect(Buffer.concat(parts).toString('utf8')).toBe(canonicalJson(document));
          for (const part of parts.slice(0, -1)) expect(part.length).toBeGreaterThanOrEqual(partBytes);
          // No two parts share memory: a part sent and not yet stored is never written over.
          const buffers = new Set(parts.map((part) => part.buffer));
          expect(buffers.size).toBe(parts.length);
        },
      ),
      { numRuns: 60 },
    );
    const published = publishSnapshot(fixture('example-2.snapshot.json'), 'c'.repeat(64));
    const bytes = Buffer.concat([...canonicalPartBuffers(published, 64)]);
    // Buffers given back are written again, and only those: each part is read before it is given back.
    const spare: ArrayBuffer[] = [];
    const copies: Buffer[] = [];
    const kept = new Set<ArrayBufferLike>();
    const seen = new Set<ArrayBufferLike>();
    for (const part of canonicalPartBuffers(published, 64, spare)) {
      expect(kept.has(part.buffer)).toBe(false);
      seen.add(part.buffer);
      copies.push(Buffer.from(part));
      if (copies.length % 2 === 0) spare.push(part.buffer as ArrayBuffer);
      else kept.add(part.buffer);
    }
    expect(Buffer.concat(copies).equals(bytes)).toBe(true);
    expect(copies.length).toBeGreaterThan(4);
    expect(seen.size).toBeLessThan(copies.length);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(closePeriod(published).inputHash);
  });

  it('throws, as canonicalJson does, on a value JSON cannot carry', () => {
    expect(() => [...canonicalParts({ events: [1, Number.NaN] }, 10)]).toThrow(TypeError);
    expect(() => [...canonicalParts({ a: { b: () => 1 } }, 10)]).toThrow(TypeError);
  });
});
