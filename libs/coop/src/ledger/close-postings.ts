import type { Allocation } from '../engine/snapshot';
import { PostingColumns } from './posting-columns';
import { MoneyAccount, UnitsAccount } from './posting-line';

export interface Vesting {
  memberId: string;
  units: number;
}

export interface ClosePostings {
  money: PostingColumns;
  units: PostingColumns;
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
 * close can post while it hashes. The lines are columns (three per member: ADR 0075); lines of 0
 * are not kept.
 */
export function closePostings(
  result: Allocation & { period: string },
  flows: { revenue: number; costs: number },
  memberIds: ReadonlyMap<string, string>,
  vesting: readonly Vesting[],
): ClosePostings {
  const vintage = result.period;
  const memberId = (id: string): string => {
    const accountId = memberIds.get(id);
    if (!accountId) throw new Error(`the result names member ${id}, who is not in the snapshot`);
    return accountId;
  };
  const money = new PostingColumns(8 + 2 * result.members.length);
  money.add(MoneyAccount.Cash, flows.revenue);
  money.add(MoneyAccount.IncomeSummary, -flows.revenue);
  money.add(MoneyAccount.IncomeSummary, flows.costs);
  money.add(MoneyAccount.Cash, -flows.costs);
  money.add(MoneyAccount.IncomeSummary, result.net);
  money.add(MoneyAccount.Reserve, -(result.reserve.closing - result.reserve.opening));
  money.add(MoneyAccount.Commons, -(result.commons.closing - result.commons.opening));
  money.add(MoneyAccount.LossCarryforward, result.lossCarryforward.closing - result.lossCarryforward.opening);
  const units = new PostingColumns(1 + result.members.length + 2 * vesting.length);
  units.add(UnitsAccount.Issued, result.unitsIssued);
  for (const member of result.members) {
    const id = memberId(member.id);
    money.add(MoneyAccount.PatronagePayable, -member.cash, id);
    money.add(MoneyAccount.Capital, -member.retained, id, vintage);
    units.add(UnitsAccount.Unvested, -member.units, id);
  }
  for (const { memberId: id, units: vested } of vesting) {
    units.add(UnitsAccount.Unvested, vested, id);
    units.add(UnitsAccount.Vested, -vested, id);
  }
  return { money, units };
}
