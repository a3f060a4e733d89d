import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { canonicalHash } from '../engine/canonical-json';
import { canonicalParts } from '../engine/canonical-parts';
import { closePeriod } from '../engine/close-period';
import type { PeriodResult, PeriodSnapshot } from '../engine/snapshot';
import { validateSnapshot } from '../engine/validate-snapshot';
import { validSnapshot } from '../testing/snapshot.arbitrary';
import { events, member, snapshot } from '../testing/snapshot.factory';
import { nameOrder, sortByName } from './name-order';
import { memberPseudonym, publishSnapshot } from './published-snapshot';

const KEY = 'a'.repeat(64);
const fixture = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../test-fixtures', name), 'utf8')) as PeriodSnapshot;
/** Everything of a result that does not depend on member names (lrm ties among members do). */
const totals = (r: PeriodResult) => ({
  net: r.net,
  lossCleared: r.lossCleared,
  distributable: r.distributable,
  reserve: r.reserve,
  commons: r.commons,
  lossCarryforward: r.lossCarryforward,
  patronage: r.patronage,
  unitsIssued: r.unitsIssued,
  basis: Object.fromEntries(Object.entries(r.pools).map(([pool, p]) => [pool, p.basis])),
});

describe('publishSnapshot (ADR 0022)', () => {
  it('publishes a valid snapshot with the same money, bases and units as the internal one', () => {
    fc.assert(
      fc.property(validSnapshot, (internal) => {
        const published = publishSnapshot(internal, KEY);
        expect(validateSnapshot(published)).toEqual([]);
        expect(totals(closePeriod(published))).toEqual(totals(closePeriod(internal)));
        expect(published.internalInputHash).toBe(canonicalHash(internal));
        // Deterministic: verify derives it again from the stored internal snapshot and the key.
        expect(canonicalHash(publishSnapshot(internal, KEY))).toBe(canonicalHash(published));
      }),
      { numRuns: 200 },
    );
  });

  it.each(['example-1', 'example-2', 'example-4'])('keeps every member amount of %s (no ties there)', (name) => {
    const internal = fixture(`${name}.snapshot.json`);
    const expected = closePeriod(internal);
    const published = closePeriod(publishSnapshot(internal, KEY));
    const byName = new Map(expected.members.map((m) => [memberPseudonym(KEY, m.id), m]));
    expect(published.members.map((m) => ({ ...m, id: byName.get(m.id)?.id }))).toEqual(
      [...byName.values()].sort((a, b) => (memberPseudonym(KEY, a.id) < memberPseudonym(KEY, b.id) ? -1 : 1)),
    );
  });

  it('sums payments per member, drops reversed events, reversals and unfederated servers, hides ids', () => {
    const internal = snapshot({
      members: [member('ana'), member('ben', { joinedAt: '2026-01-29T00:00:00Z' })],
      events: [
        ...events(
          { id: 'published:p1', type: 'PUBLISHED', member: 'ana', object: 'p1' },
          { id: 'published:p2', type: 'PUBLISHED', member: 'ana', object: 'p2' },
          { id: 'spent:prov-1', type: 'WORKED', member: 'ben', amount: 700 },
          { id: 'spent:prov-2', type: 'WORKED', member: 'ben', amount: 300 },
          { id: 'spent:prov-3', type: 'WORKED', member: 'ben', amount: 5000 },
          { id: 'engaged:l1', type: 'ENGAGED', member: 'ana', actor: 'instance:far.example', object: 'p1' },
        ),
        { id: 'reversal:published:p2', type: 'REVERSAL', reverses: 'published:p2' },
        { id: 'reversal:spent:prov-3', type: 'REVERSAL', reverses: 'spent:prov-3' },
      ],
    });
    const published = publishSnapshot(internal, KEY);
    const [ana, ben] = [memberPseudonym(KEY, 'ana'), memberPseudonym(KEY, 'ben')];
    expect(published.events.map(({ id: _id, ...e }) => e)).toEqual(
      expect.arrayContaining([
        { type: 'PUBLISHED', member: ana, object: expect.stringMatching(/^o-[0-9a-f]{24}$/) },
        { type: 'WORKED', member: ben, amount: 1000 },
      ]),
    );
    expect(published.events).toHaveLength(2);
    const text = JSON.stringify(published);
    for (const secret of ['ana', 'ben', 'prov-', 'p1', 'far.example', 'published:', 'spent:']) {
      expect(text).not.toContain(`"${secret}`);
    }
    // ben joined three days before the end (minimum age 7): too young, one ms past the boundary.
    const boundary = Date.parse(internal.period.end) - 7 * 86_400_000;
    expect(Object.fromEntries(published.members.map((m) => [m.id, m.joinedAt]))).toEqual({
      [ana]: new Date(boundary).toISOString(),
      [ben]: new Date(boundary + 1).toISOString(),
    });
    expect(totals(closePeriod(published))).toEqual(totals(closePeriod(internal)));
  });

  // Pinned from the close before ADR 0065 (names as rope slices, a comparison sort): the published
  // snapshot's canonical hash (since ADR 0071 also the sha256 of its stored text), the sha256 of
  // JSON.stringify of it (its stored text before ADR 0071: the document as built, key order and all)
  // and the result's hash.
  it.each([
    [
      'example-1',
      'a6ff107ea750ffbb2cf911cc5ae3b1093d0f58b878ac1c138f37b8e179cad769',
      '52b7fc3165d13325b8da9e5521889ef742a2eeab57153225ac28aca6d11e3d4b',
      '28f739aa1fa37090c43117f085606fd5277f4e6deb4b2ff81985e0ed2e2472a9',
    ],
    [
      'example-2',
      '869cb54f5dd2a71b0dd32c482ba6b1f326532e39206ad4a2573b9c0b815a27b6',
      '243ac7cb6f3a0ec06bc143be97f5aa0da69416882276ab3cf05f53769bbc6e18',
      '05e67696457f728c0590b36826051be2654ddc64484941a7e942b911d82ece8c',
    ],
    [
      'example-4',
      'c403344e237a72322eccde4a26a53d216b81bd8e61b87717184746a46b276a9f',
      'deee4220f89fc32444af2f60675d774e6c6d296b9a8fb186441cddd39e752634',
      '7a69c06085f4fc079de919886e40d025ba5df661209c36954dcda164601b2367',
    ],
  ])('publishes %s exactly as before: hash, document, result', (name, hash, text, output) => {
    const published = publishSnapshot(fixture(`${name}.snapshot.json`), KEY);
    expect(canonicalHash(published)).toBe(hash);
    expect(
      createHash('sha256')
        .update([...canonicalParts(published, 1 << 16)].join(''))
        .digest('hex'),
    ).toBe(hash);
    expect(createHash('sha256').update(JSON.stringify(published)).digest('hex')).toBe(text);
    expect(closePeriod(published).outputHash).toBe(output);
  });

  it('names members with the first 96 bits of SHA-256(key:member:username), in hex', () => {
    for (const username of ['ana', 'm0000001', 'ünïcødé', '']) {
      const digest = createHash('sha256').update(`${KEY}:member:${username}`, 'utf8').digest('hex');
      expect(memberPseudonym(KEY, username)).toBe(`m-${digest.slice(0, 24)}`);
    }
  });
});

describe('sortByName', () => {
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  // Ids often share their first 7 digits (the fix-up path) or are equal (stability); sometimes
  // another prefix, an upper-case or non-hex digit, or a short id (the fallback).
  const digits = (length: number) =>
    fc.string({ unit: fc.constantFrom('0', '9', 'a', 'f'), minLength: length, maxLength: length + 3 });
  // first 7 digits from three values, then 0–3 more: many ids tie on the digits sorted as numbers
  const tied = fc
    .tuple(fc.constantFrom('0000000', '000000f', 'f000000'), digits(0))
    .map(([first, rest]) => `e-${first}${rest}`);
  const id = fc.oneof(
    { weight: 15, arbitrary: tied },
    { weight: 10, arbitrary: digits(7).map((hex) => `e-${hex}`) },
    { weight: 1, arbitrary: digits(7).map((hex) => `m-${hex}`) },
    { weight: 1, arbitrary: digits(6).map((hex) => `e-${hex}F`) },
    { weight: 1, arbitrary: digits(6).map((hex) => `e-${hex}g`) },
    { weight: 1, arbitrary: digits(0).map((hex) => `e-${hex}`) },
  );

  it('orders as a stable sort by id does, with ties, duplicates and ids it cannot read as numbers', () => {
    fc.assert(
      fc.property(fc.array(id, { maxLength: 60 }), (ids) => {
        const items = ids.map((value, seq) => ({ id: value, seq }));
        const expected = [...items].sort(byId);
        const sorted = sortByName(items);
        expect(sorted).toBe(items);
        expect(sorted.map((item) => item.seq)).toEqual(expected.map((item) => item.seq));
      }),
      { numRuns: 1000 },
    );
  });

  it('orders 20,000 names as the comparison does', () => {
    const items = Array.from({ length: 20_000 }, (_, seq) => ({
      id: memberPseudonym(KEY, `u${seq % 15_000}`),
      seq,
    }));
    const expected = [...items].sort(byId).map((item) => item.seq);
    expect(sortByName(items).map((item) => item.seq)).toEqual(expected);
  });

  it('orders event ids held as bytes (nameOrder) as a stable sort by id does, ties on the digits included', () => {
    // 26-byte ids as the publisher's column holds them: few first digits, so many tie on them
    const eventId = fc
      .tuple(
        fc.constantFrom('0000000', '000000f', 'f000000', 'a9a9a9a'),
        fc.string({ unit: fc.constantFrom('0', 'f'), minLength: 17, maxLength: 17 }),
      )
      .map(([first, rest]) => `e-${first}${rest}`);
    fc.assert(
      fc.property(fc.array(eventId, { maxLength: 60 }), (ids) => {
        const order = nameOrder(Buffer.from(ids.join(''), 'latin1'), ids.length, 26);
        const expected = ids.map((value, seq) => ({ id: value, seq })).sort(byId);
        expect([...order]).toEqual(expected.map((item) => item.seq));
      }),
      { numRuns: 1000 },
    );
  });
});
