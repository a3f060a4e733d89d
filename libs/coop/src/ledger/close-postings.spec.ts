import fc from 'fast-check';
import { closePeriod } from '../engine/close-period';
import type { PeriodSnapshot } from '../engine/snapshot';
import { validSnapshot } from '../testing/snapshot.arbitrary';
import { snapshot } from '../testing/snapshot.factory';
import { closePostings } from './close-postings';
import type { PostingColumns } from './posting-columns';
import { assertBalanced } from './posting-line';

const sum = (lines: PostingColumns) => lines.toArray().reduce((total, line) => total + BigInt(line.amount), 0n);
const memberIds = (input: PeriodSnapshot) => new Map(input.members.map((m) => [m.id, `acct-${m.id}`]));

describe('closePostings', () => {
  it('balances both entries of any valid close (SPEC §8.1), surplus or loss', () => {
    fc.assert(
      fc.property(validSnapshot, (input) => {
        const result = closePeriod(input);
        const vesting = input.members.slice(0, 2).map((m) => ({ memberId: `acct-${m.id}`, units: 7 }));
        const { money, units } = closePostings(result, input.money, memberIds(input), vesting);
        expect(sum(money)).toBe(0n);
        expect(sum(units)).toBe(0n);
        expect(() => assertBalanced('close:x', money)).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });

  it('credits each member its cash as payable, its retained part to capital of this vintage, its units unvested', () => {
    const input = snapshot({
      money: { revenue: 650_000, costs: 150_000 },
      members: [{ id: 'ana', joinedAt: '2025-06-01T00:00:00Z', status: 'active', vestedUnits: 0 }],
      events: [{ id: 'ev-1', type: 'PUBLISHED', member: 'ana', object: 'ana/post/1' }],
    });
    const result = closePeriod(input);
    const [ana] = result.members;
    const { money: moneyColumns, units: unitColumns } = closePostings(result, input.money, memberIds(input), []);
    const [money, units] = [moneyColumns.toArray(), unitColumns.toArray()];
    expect(money).toContainEqual({ account: 'patronage_payable', memberId: 'acct-ana', amount: -ana.cash });
    expect(money).toContainEqual({
      account: 'capital',
      memberId: 'acct-ana',
      vintage: result.period,
      amount: -ana.retained,
    });
    expect(money).toContainEqual({ account: 'reserve', amount: -result.reserve.allocated });
    expect(units).toEqual([
      { account: 'issued', amount: result.unitsIssued },
      { account: 'unvested', memberId: 'acct-ana', amount: -ana.units },
    ]);
  });

  it('refuses an unbalanced entry, naming its sum', () => {
    expect(() => assertBalanced('close:x', [{ account: 'cash', amount: 5 }])).toThrow(
      'journal entry close:x does not balance: its postings sum to 5',
    );
  });
});
