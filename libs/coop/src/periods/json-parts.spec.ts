import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { publishSnapshot } from '../transparency/published-snapshot';
import { validSnapshot } from '../testing/snapshot.arbitrary';
import type { PeriodSnapshot } from '../engine/snapshot';
import { jsonParts } from './json-parts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../test-fixtures', name), 'utf8')) as PeriodSnapshot;

describe('jsonParts', () => {
  it.each(['example-1', 'example-2', 'example-4'])('joins to JSON.stringify of %s, published', (name) => {
    const published = publishSnapshot(fixture(`${name}.snapshot.json`), 'c'.repeat(64));
    for (const partChars of [1, 50, 1 << 20]) {
      const parts = [...jsonParts(published, partChars)];
      expect(parts.join('')).toBe(JSON.stringify(published));
      if (partChars === 1) expect(parts.length).toBeGreaterThan(3);
      if (partChars === 1 << 20) expect(parts).toHaveLength(1);
    }
  });

  it('joins to JSON.stringify of any object, arrays long or short, undefined members left out', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string(),
          fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue(), { maxLength: 9000 }), fc.constant(undefined)),
        ),
        fc.integer({ min: 1, max: 5000 }),
        (document, partChars) => expect([...jsonParts(document, partChars)].join('')).toBe(JSON.stringify(document)),
      ),
      { numRuns: 60 },
    );
  });

  it('keeps each part near partChars: a long array is split between batches', () => {
    const events = Array.from({ length: 20_000 }, (_, i) => ({ id: `e-${i}`, type: 'PUBLISHED' }));
    const parts = [...jsonParts({ format: 'x', events }, 100_000)];
    expect(parts.join('')).toBe(JSON.stringify({ format: 'x', events }));
    expect(parts.length).toBeGreaterThanOrEqual(4);
    for (const part of parts.slice(0, -1)) expect(part.length).toBeGreaterThanOrEqual(100_000);
  });

  it('takes random snapshots apart and together again', () => {
    fc.assert(
      fc.property(validSnapshot, fc.integer({ min: 1, max: 300 }), (snapshot, partChars) =>
        expect([...jsonParts(snapshot, partChars)].join('')).toBe(JSON.stringify(snapshot)),
      ),
      { numRuns: 100 },
    );
  });
});
