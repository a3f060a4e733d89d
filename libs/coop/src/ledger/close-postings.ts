import type { Allocation } from '../engine/snapshot';
import { MoneyAccount, UnitsAccount, type PostingLine } from './posting-line';

export interface Vesting {
  memberId: string;
  units: number;
}

export interface ClosePostings {
  money: PostingLine[];
  units: PostingLine[];
}

/**
 * The two journal entries of a close (SPEC §7), from its result: debit positive, credit negative.
 *
 * Money: revenue and costs pass through the income summary, whose balance (the net) is then
 * closed into the changes of reserve, commons and loss carryforward and the members' patronage —
 * cash part payable, retained part in the capital account of this vintage. Both sides equal the
 * net exactly because the engine's invariant 2 holds; the caller still checks the sum.
 * Units: what was issued goes to each member's unvested units; `vesting` moves earlier issues
 * from unvested to vested. Only the allocation and the period id are read (not the hashes), so a
 * close can post while it hashes.
 */
export function closePostings(
  result: Allocation & { period: string },
  money: { revenue: number; costs: number },
  memberIds: ReadonlyMap<string, string>,
  vesting: readonly Vesting[],
): ClosePostings {
  const vintage = result.period;
  const memberId = (id: string): string => {
    const accountId = memberIds.get(id);
    if (!accountId) throw new Error(`the result names member ${id}, who is not in the snapshot`);
    return accountId;
  };
  const moneyLines: PostingLine[] = [
    { account: MoneyAccount.Cash, amount: money.revenue },
    { account: MoneyAccount.IncomeSummary, amount: -money.revenue },
    { account: MoneyAccount.IncomeSummary, amount: money.costs },
    { account: MoneyAccount.Cash, amount: -money.costs },
    { account: MoneyAccount.IncomeSummary, amount: result.net },
    { account: MoneyAccount.Reserve, amount: -(result.reserve.closing - result.reserve.opening) },
    { account: MoneyAccount.Commons, amount: -(result.commons.closing - result.commons.opening) },
    {
      account: MoneyAccount.LossCarryforward,
      amount: result.lossCarryforward.closing - result.lossCarryforward.opening,
    },
  ];
  const unitLines: PostingLine[] = [{ account: UnitsAccount.Issued, amount: result.unitsIssued }];
  for (const member of result.members) {
    const id = memberId(member.id);
    moneyLines.push({ account: MoneyAccount.PatronagePayable, memberId: id, amount: -member.cash });
    moneyLines.push({ account: MoneyAccount.Capital, memberId: id, vintage, amount: -member.retained });
    unitLines.push({ account: UnitsAccount.Unvested, memberId: id, amount: -member.units });
  }
  for (const { memberId: id, units } of vesting) {
    unitLines.push({ account: UnitsAccount.Unvested, memberId: id, amount: units });
    unitLines.push({ account: UnitsAccount.Vested, memberId: id, amount: -units });
  }
  return { money: moneyLines.filter((l) => l.amount !== 0), units: unitLines.filter((l) => l.amount !== 0) };
}
