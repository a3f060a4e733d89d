import { Injectable } from '@nestjs/common';
import { InvalidSnapshotError } from '../coop.exception';
import { closePeriod } from '../engine/close-period';
import type { PeriodResult, PeriodSnapshot } from '../engine/snapshot';
import { CoopPeriodRepository } from '../periods/coop-period.repository';
import { LedgerRepository } from './ledger.repository';
import { MoneyAccount } from './posting-line';

export interface VerifyReport {
  ok: boolean;
  periods: { id: string; inputHash: string | null; outputHash: string | null; ok: boolean; problem?: string }[];
  unbalancedEntries: { key: string; sum: string }[];
  /** Fund balances replayed from the journal against the last closed period's result. */
  funds: { account: string; ledger: string; expected: string; ok: boolean }[];
  balances: { ledger: string; account: string; memberId: string | null; vintage: string | null; balance: string }[];
}

/**
 * `guildhall coop verify`: every entry balances; every closed period's stored snapshot, re-run
 * through the engine, gives its stored hashes and result; the funds replayed from the journal
 * equal the last result's closing balances. Reports every difference, changes nothing.
 */
@Injectable()
export class LedgerVerifier {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly periods: CoopPeriodRepository,
  ) {}

  async verify(): Promise<VerifyReport> {
    const closed = await this.periods.findClosed();
    const periods = closed.map((period) => {
      const entry = { id: period.id, inputHash: period.inputHash, outputHash: period.outputHash };
      const problem = recheck(period.snapshot, period.result, period.inputHash, period.outputHash);
      return problem ? { ...entry, ok: false, problem } : { ...entry, ok: true };
    });
    const unbalancedEntries = await this.ledger.unbalancedEntries();
    const balances = await this.ledger.balances();
    const last = closed.at(-1)?.result ?? null;
    const fundBalance = (account: string) =>
      balances
        .filter((b) => b.ledger === 'money' && b.account === account)
        .reduce((sum, b) => sum + BigInt(b.balance), 0n)
        .toString();
    const funds = [
      { account: MoneyAccount.Reserve, expected: -(last?.reserve.closing ?? 0) },
      { account: MoneyAccount.Commons, expected: -(last?.commons.closing ?? 0) },
      { account: MoneyAccount.LossCarryforward, expected: last?.lossCarryforward.closing ?? 0 },
      { account: MoneyAccount.IncomeSummary, expected: 0 },
    ].map(({ account, expected }) => {
      const value = String(expected);
      return { account, ledger: 'money', expected: value, ok: fundBalance(account) === value };
    });
    const ok = periods.every((p) => p.ok) && unbalancedEntries.length === 0 && funds.every((f) => f.ok);
    return { ok, periods, unbalancedEntries, funds, balances };
  }
}

function recheck(
  snapshot: PeriodSnapshot | null,
  stored: PeriodResult | null,
  inputHash: string | null,
  outputHash: string | null,
): string | undefined {
  if (!snapshot || !stored) return 'closed without a stored snapshot and result';
  let result: PeriodResult;
  try {
    result = closePeriod(snapshot);
  } catch (error) {
    if (error instanceof InvalidSnapshotError) return error.message;
    throw error;
  }
  if (result.inputHash !== inputHash) return `inputHash ${result.inputHash} differs from the stored ${inputHash}`;
  if (result.outputHash !== outputHash) return `outputHash ${result.outputHash} differs from the stored ${outputHash}`;
  if (result.outputHash !== stored.outputHash) return `the stored result's outputHash ${stored.outputHash} differs`;
  return undefined;
}
