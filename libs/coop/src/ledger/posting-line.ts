import { PostingColumns } from './posting-columns';

/** One posting before it is stored: debit positive, credit negative. */
export interface PostingLine {
  account: string;
  memberId?: string | null;
  vintage?: string | null;
  amount: number;
}

/** Money ledger accounts (SPEC §7). Credit-balance accounts hold negative sums. */
export const MoneyAccount = {
  Cash: 'cash',
  IncomeSummary: 'income_summary',
  Reserve: 'reserve',
  Commons: 'commons',
  LossCarryforward: 'loss_carryforward',
  PatronagePayable: 'patronage_payable',
  Capital: 'capital',
  MembershipShares: 'membership_shares',
  RedemptionPayable: 'redemption_payable',
} as const;

/** Units ledger accounts (SPEC §7). */
export const UnitsAccount = {
  Issued: 'issued',
  Unvested: 'unvested',
  Vested: 'vested',
  Retired: 'retired',
} as const;

/** Throws unless the lines sum to exactly 0 (SPEC §8.1), naming the sum. */
export function assertBalanced(key: string, lines: readonly PostingLine[] | PostingColumns): void {
  // Lines of 0 are not in the columns: they neither unbalance nor break the check.
  const columns = lines instanceof PostingColumns ? lines : PostingColumns.of(lines);
  let sum = 0n;
  for (let i = 0; i < columns.count; i++) {
    const amount = columns.amount(i);
    if (!Number.isSafeInteger(amount)) throw new Error(`${key}: amount ${amount} is not a safe integer`);
    sum += BigInt(amount);
  }
  if (sum !== 0n) throw new UnbalancedEntryError(key, sum);
}

export class UnbalancedEntryError extends Error {
  constructor(
    readonly key: string,
    readonly sum: bigint,
  ) {
    super(`journal entry ${key} does not balance: its postings sum to ${sum}`);
    this.name = 'UnbalancedEntryError';
  }
}
