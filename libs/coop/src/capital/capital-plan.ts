import { MoneyAccount, type PostingLine } from '../ledger/posting-line';

/** What the cooperative owes one member (credit balances, in cents). */
export interface MemberPayable {
  memberId: string;
  /** Withdrawn or expelled: whatever it is owed is paid, however small (final settlement). */
  left: boolean;
  patronageCents: number;
  redemptionCents: number;
}

/** THRESHOLD: owed at least the minimum payout; SETTLEMENT: a member who left, paid in any amount. */
export type PayoutReason = 'THRESHOLD' | 'SETTLEMENT';

export interface PlannedPayout extends MemberPayable {
  totalCents: number;
  reason: PayoutReason;
}

export interface PayoutPlan {
  /** Paid by this run, by member id. */
  payouts: PlannedPayout[];
  /** Owed but below the threshold: stays payable for a later run. */
  carried: (MemberPayable & { totalCents: number })[];
  totalCents: number;
}

/**
 * Who a payout run pays: a member owed (patronage + redemptions) at least `minPayoutCents`, and
 * every member who left and is owed anything. The threshold is on the sum, as one payment carries
 * both. A debit (overpaid) balance is never paid; `coop verify` reports it.
 */
export function planPayouts(payables: readonly MemberPayable[], minPayoutCents: number): PayoutPlan {
  const payouts: PlannedPayout[] = [];
  const carried: PayoutPlan['carried'] = [];
  let totalCents = 0;
  const sorted = [...payables].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  for (const payable of sorted) {
    const patronageCents = Math.max(0, payable.patronageCents);
    const redemptionCents = Math.max(0, payable.redemptionCents);
    const owed = patronageCents + redemptionCents;
    if (owed === 0) continue;
    const member = { ...payable, patronageCents, redemptionCents, totalCents: owed };
    if (payable.left) payouts.push({ ...member, reason: 'SETTLEMENT' });
    else if (owed >= minPayoutCents) payouts.push({ ...member, reason: 'THRESHOLD' });
    else {
      carried.push(member);
      continue;
    }
    totalCents += owed;
  }
  return { payouts, carried, totalCents };
}

/**
 * How much cash a run lacks (0 when the cash account covers it): a run never pays out more than
 * the cooperative holds; the board then waits for revenue or raises the minimum.
 */
export function cashShortfall(plan: PayoutPlan, cashCents: number): number {
  return Math.max(0, plan.totalCents - Math.max(0, cashCents));
}

/** The payout entry (debit positive): each member's payables debited, cash credited once. */
export function payoutLines(plan: PayoutPlan): PostingLine[] {
  const lines: PostingLine[] = [];
  for (const p of plan.payouts) {
    lines.push({ account: MoneyAccount.PatronagePayable, memberId: p.memberId, amount: p.patronageCents });
    lines.push({ account: MoneyAccount.RedemptionPayable, memberId: p.memberId, amount: p.redemptionCents });
  }
  lines.push({ account: MoneyAccount.Cash, amount: -plan.totalCents });
  return lines.filter((l) => l.amount !== 0);
}

/** One member's capital of one vintage (credit balance, in cents); `seq` is the vintage period's. */
export interface VintageCapital {
  vintage: string;
  seq: number;
  memberId: string;
  balanceCents: number;
}

export interface PlannedRevolve {
  vintage: string;
  seq: number;
  members: number;
  totalCents: number;
  lines: PostingLine[];
}

/**
 * The last vintage (period seq) due for redemption once period `latestClosedSeq` has closed: a
 * vintage revolves when `revolvingPeriods` periods have closed after it (seq + N ≤ latest).
 */
export function revolvingThroughSeq(latestClosedSeq: number, revolvingPeriods: number): number {
  return latestClosedSeq - revolvingPeriods;
}

/** How many more closes until the vintage revolves (0: due at the next payout run). */
export function periodsUntilRevolved(vintageSeq: number, latestClosedSeq: number, revolvingPeriods: number): number {
  return Math.max(0, vintageSeq + revolvingPeriods - latestClosedSeq);
}

/**
 * The redemption entries of the vintages up to `throughSeq`, oldest first, one per vintage: each
 * member's capital of that vintage (withdrawn and expelled members' too) moves whole to its
 * redemption payable. Vintages holding no capital need no entry.
 */
export function planRevolving(capital: readonly VintageCapital[], throughSeq: number): PlannedRevolve[] {
  const byVintage = new Map<string, PlannedRevolve>();
  for (const c of capital) {
    if (c.seq > throughSeq || c.balanceCents <= 0) continue;
    let plan = byVintage.get(c.vintage);
    if (!plan) {
      plan = { vintage: c.vintage, seq: c.seq, members: 0, totalCents: 0, lines: [] };
      byVintage.set(c.vintage, plan);
    }
    plan.members += 1;
    plan.totalCents += c.balanceCents;
    plan.lines.push({
      account: MoneyAccount.Capital,
      memberId: c.memberId,
      vintage: c.vintage,
      amount: c.balanceCents,
    });
    plan.lines.push({ account: MoneyAccount.RedemptionPayable, memberId: c.memberId, amount: -c.balanceCents });
  }
  return [...byVintage.values()].sort((a, b) => a.seq - b.seq);
}

export const payoutKey = (periodId: string) => `payout:${periodId}`;
export const revolveKey = (vintage: string) => `revolve:${vintage}`;
