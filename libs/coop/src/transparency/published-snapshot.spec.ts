import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { canonicalHash } from '../engine/canonical-json';
import { closePeriod } from '../engine/close-period';
import type { PeriodResult, PeriodSnapshot } from '../engine/snapshot';
import { validateSnapshot } from '../engine/validate-snapshot';
import { validSnapshot } from '../testing/snapshot.arbitrary';
import { events, member, snapshot } from '../testing/snapshot.factory';
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
});
