import { assertBalanced } from '../ledger/posting-line';
import {
  cashShortfall,
  type MemberPayable,
  periodsUntilRevolved,
  payoutLines,
  planPayouts,
  planRevolving,
  revolvingThroughSeq,
  type VintageCapital,
} from './capital-plan';

const owed = (memberId: string, patronageCents: number, redemptionCents = 0, left = false): MemberPayable => ({
  memberId,
  left,
  patronageCents,
  redemptionCents,
});

describe('planPayouts', () => {
  it('pays a member owed exactly the threshold and carries one owed a cent less', () => {
    const plan = planPayouts([owed('b', 2499), owed('a', 2500)], 2500);
    expect(plan.payouts).toEqual([{ ...owed('a', 2500), totalCents: 2500, reason: 'THRESHOLD' }]);
    expect(plan.carried).toEqual([{ ...owed('b', 2499), totalCents: 2499 }]);
    expect(plan.totalCents).toBe(2500);
  });

  it('applies the threshold to patronage and redemptions together', () => {
    const plan = planPayouts([owed('a', 1500, 1000), owed('b', 0, 2499)], 2500);
    expect(plan.payouts.map((p) => [p.memberId, p.patronageCents, p.redemptionCents, p.totalCents])).toEqual([
      ['a', 1500, 1000, 2500],
    ]);
    expect(plan.carried.map((c) => c.memberId)).toEqual(['b']);
  });

  it('settles a member who left in any amount, and skips members owed nothing', () => {
    const plan = planPayouts([owed('c', 0, 1, true), owed('d', 0, 0, true), owed('e', 0, 0)], 2500);
    expect(plan.payouts).toEqual([{ ...owed('c', 0, 1, true), totalCents: 1, reason: 'SETTLEMENT' }]);
    expect(plan.carried).toEqual([]);
  });

  it('never pays a debit (overpaid) balance, and a zero threshold pays every cent owed', () => {
    const plan = planPayouts([owed('a', -300, 400), owed('b', 1)], 0);
    expect(plan.payouts.map((p) => [p.memberId, p.patronageCents, p.redemptionCents])).toEqual([
      ['a', 0, 400],
      ['b', 1, 0],
    ]);
    expect(plan.totalCents).toBe(401);
  });

  it('posts a balanced entry: payables debited per member, cash credited once', () => {
    const plan = planPayouts([owed('a', 3000, 1000), owed('b', 0, 1000, true), owed('c', 10)], 2500);
    const lines = payoutLines(plan);
    expect(lines).toEqual([
      { account: 'patronage_payable', memberId: 'a', amount: 3000 },
      { account: 'redemption_payable', memberId: 'a', amount: 1000 },
      { account: 'redemption_payable', memberId: 'b', amount: 1000 },
      { account: 'cash', amount: -5000 },
    ]);
    expect(() => assertBalanced('payout:x', lines)).not.toThrow();
  });

  it('never pays out more cash than the cooperative holds', () => {
    const plan = planPayouts([owed('a', 3000)], 2500);
    expect(cashShortfall(plan, 3000)).toBe(0);
    expect(cashShortfall(plan, 2999)).toBe(1);
    expect(cashShortfall(plan, -500)).toBe(3000);
  });

  it('plans nothing (and an empty entry) when nobody is owed enough', () => {
    const plan = planPayouts([owed('a', 2499)], 2500);
    expect(plan.payouts).toEqual([]);
    expect(payoutLines(plan)).toEqual([]);
  });
});

describe('revolving', () => {
  const capital: VintageCapital[] = [
    { vintage: '2026-03', seq: 3, memberId: 'a', balanceCents: 700 },
    { vintage: '2026-01', seq: 1, memberId: 'a', balanceCents: 100 },
    { vintage: '2026-01', seq: 1, memberId: 'b', balanceCents: 250 },
    { vintage: '2026-02', seq: 2, memberId: 'b', balanceCents: 0 },
    { vintage: '2026-04', seq: 4, memberId: 'a', balanceCents: 900 },
  ];

  it('is due once N periods have closed after the vintage', () => {
    expect(revolvingThroughSeq(61, 60)).toBe(1);
    expect(revolvingThroughSeq(60, 60)).toBe(0);
    expect(periodsUntilRevolved(1, 60, 60)).toBe(1);
    expect(periodsUntilRevolved(1, 61, 60)).toBe(0);
    expect(periodsUntilRevolved(1, 99, 60)).toBe(0);
  });

  it('moves each member capital of the due vintages to its redemption payable, oldest first', () => {
    const plans = planRevolving(capital, 3);
    expect(plans.map((p) => [p.vintage, p.members, p.totalCents])).toEqual([
      ['2026-01', 2, 350],
      ['2026-03', 1, 700],
    ]);
    expect(plans[0].lines).toEqual([
      { account: 'capital', memberId: 'a', vintage: '2026-01', amount: 100 },
      { account: 'redemption_payable', memberId: 'a', amount: -100 },
      { account: 'capital', memberId: 'b', vintage: '2026-01', amount: 250 },
      { account: 'redemption_payable', memberId: 'b', amount: -250 },
    ]);
    for (const plan of plans) expect(() => assertBalanced(plan.vintage, plan.lines)).not.toThrow();
  });

  it('revolves nothing before the first vintage is due', () => {
    expect(planRevolving(capital, 0)).toEqual([]);
  });
});
