import { Injectable } from '@nestjs/common';
import type { Connection } from '@guildhall/core';
import { periodsUntilRevolved } from '../capital/capital-plan';
import { CapitalService } from '../capital/capital.service';
import { EQUITY_POOL, type PeriodParameters, type PeriodResult } from '../engine/snapshot';
import { MoneyAccount, UnitsAccount } from '../ledger/posting-line';
import { CoopPeriodRepository } from '../periods/coop-period.repository';
import { CoopMemberRepository } from '../members/coop-member.repository';
import type { CoopAccountModel } from './coop-account.model';
import type { CoopAllocationModel } from './coop-allocation.model';
import { publishedLedgerCsv } from './ledger-csv';
import { type OpenPeriodRef, type VestingTranche, vestingSchedule } from './ownership-schedule';
import { decodePeriodCursor, encodePeriodCursor } from './period-cursor';
import type { PublishedPeriodModel } from './published-period.model';
import { type MemberPeriodRow, type PublishedPeriodRow, TransparencyRepository } from './transparency.repository';

export interface PeriodPageData {
  period: PublishedPeriodModel;
  parameters: PeriodParameters;
  result: PeriodResult;
}

function toConnection<T extends { seq: number }>(rows: T[], first: number): Connection<T> {
  const items = rows.slice(0, first);
  const edges = items.map((node) => ({ cursor: encodePeriodCursor(node.seq), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
  };
}

const toPeriodModel = (row: PublishedPeriodRow): PublishedPeriodModel => ({
  id: row.id,
  seq: row.seq,
  start: new Date(row.startsAt),
  end: new Date(row.endsAt),
  closedAt: new Date(row.closedAt),
  inputHash: row.inputHash,
  outputHash: row.outputHash,
});

/** The member's entry of a result, with the reason of each pool's amount (SPEC §5.5–§5.6). */
function toAllocation(row: MemberPeriodRow): CoopAllocationModel {
  const { member, pools, parameters } = row;
  return {
    periodId: row.id,
    seq: row.seq,
    start: new Date(row.startsAt),
    end: new Date(row.endsAt),
    pseudonym: member.id,
    pools: Object.keys(member.byPool)
      .sort()
      .map((pool) => ({
        pool,
        weight: pool === EQUITY_POOL ? Number(row.vestedUnits) : (member.points[pool] ?? 0),
        basis: pools[pool]?.basis ?? 0,
        poolAmountCents: pools[pool]?.amount ?? 0,
        poolBps: parameters.pools[pool] ?? 0,
        amountCents: member.byPool[pool],
      })),
    allocationCents: member.allocation,
    cashCents: member.cash,
    retainedCents: member.retained,
    units: member.units,
  };
}

/**
 * What members own and earned, and what every close published (issue 5, item 7). Balances come
 * from the postings (the ledger is the truth); allocations from the stored results.
 */
@Injectable()
export class TransparencyService {
  constructor(
    private readonly repository: TransparencyRepository,
    private readonly periods: CoopPeriodRepository,
    private readonly members: CoopMemberRepository,
    private readonly capitalService: CapitalService,
  ) {}

  /** How many active members and closed periods the instance has (public). */
  publicCounts(): Promise<{ memberCount: number; closedPeriods: number }> {
    return this.repository.publicCounts();
  }

  /** The account's holdings; null when it never applied. */
  async account(accountId: string): Promise<CoopAccountModel | null> {
    const member = await this.members.findByAccountId(accountId);
    if (!member) return null;
    const rows = await this.repository.memberBalances(accountId);
    const find = (ledger: string, account: string) => rows.filter((r) => r.ledger === ledger && r.account === account);
    const credit = (ledger: string, account: string) =>
      find(ledger, account).reduce((sum, r) => sum + Number(r.credit ?? 0), 0);
    const debit = (ledger: string, account: string) =>
      find(ledger, account).reduce((sum, r) => sum + Number(r.debit ?? 0), 0);
    const balance = (ledger: string, account: string) => credit(ledger, account) - debit(ledger, account);
    const vintages = find('money', MoneyAccount.Capital).filter((r) => Number(r.credit ?? 0) !== 0);
    const { seqs, latestClosed } = await this.repository.periodSeqs(vintages.map((r) => r.vintage ?? ''));
    const { revolvingPeriods } = await this.capitalService.policy();
    const capital = vintages
      .map((r) => {
        const vintage = r.vintage ?? '';
        const retainedCents = Number(r.credit ?? 0);
        const redeemedCents = Number(r.debit ?? 0);
        const balanceCents = retainedCents - redeemedCents;
        const seq = seqs.get(vintage) ?? 0;
        const until = balanceCents > 0 ? periodsUntilRevolved(seq, latestClosed, revolvingPeriods) : null;
        return { vintage, seq, balanceCents, retainedCents, redeemedCents, periodsUntilRevolved: until };
      })
      .sort((a, b) => a.seq - b.seq)
      .map(({ seq: _seq, ...v }) => v);
    return {
      status: member.status,
      joinedAt: member.joinedAt,
      sharePaidCents: member.sharePaidCents,
      units: {
        vested: balance('units', UnitsAccount.Vested),
        unvested: balance('units', UnitsAccount.Unvested),
        retired: balance('units', UnitsAccount.Retired),
      },
      capital,
      capitalCents: capital.reduce((sum, v) => sum + v.balanceCents, 0),
      cashAllocatedCents: credit('money', MoneyAccount.PatronagePayable),
      cashPaidCents: debit('money', MoneyAccount.PatronagePayable),
      cashPayableCents: balance('money', MoneyAccount.PatronagePayable),
      redemptionPayableCents: balance('money', MoneyAccount.RedemptionPayable),
      redemptionPaidCents: debit('money', MoneyAccount.RedemptionPayable),
      payableCents: balance('money', MoneyAccount.PatronagePayable) + balance('money', MoneyAccount.RedemptionPayable),
      paidOutCents: debit('money', MoneyAccount.PatronagePayable) + debit('money', MoneyAccount.RedemptionPayable),
    };
  }

  /**
   * When the account's unvested units vest (tranche by tranche) and the open period that dates
   * the closes ahead; nothing for an account that never applied or left.
   */
  async vesting(
    accountId: string,
  ): Promise<{ open: OpenPeriodRef | null; latestClosedSeq: number; unvested: VestingTranche[] }> {
    const member = await this.members.findByAccountId(accountId);
    const left = !member || member.status === 'withdrawn' || member.status === 'expelled';
    const [tranches, calendar] = await Promise.all([
      left ? Promise.resolve([]) : this.repository.unitTranches(accountId),
      this.repository.periodCalendar(),
    ]);
    return vestingSchedule(tranches, calendar, left);
  }

  /** The account's allocations in closed periods, newest first (periods that did not list it left out). */
  async allocations(accountId: string, first: number, after?: string | null): Promise<Connection<CoopAllocationModel>> {
    const before = decodePeriodCursor(after);
    const username = await this.repository.username(accountId);
    if (!username) return toConnection([], first);
    const rows = await this.repository.memberPeriods(username, before, first + 1);
    return toConnection(rows.map(toAllocation), first);
  }

  async closedPeriods(first: number, after?: string | null): Promise<Connection<PublishedPeriodModel>> {
    const rows = await this.repository.closedPeriods(decodePeriodCursor(after), first + 1);
    return toConnection(rows.map(toPeriodModel), first);
  }

  async period(id: string): Promise<PublishedPeriodModel | null> {
    const row = await this.repository.closedPeriod(id);
    return row ? toPeriodModel(row) : null;
  }

  /** The published snapshot or result as stored (JSON text); null unless the period is closed. */
  publishedText(id: string, part: 'snapshot' | 'result'): Promise<string | null> {
    return this.repository.publishedText(id, part);
  }

  /** A closed period's published snapshot as stored, a part at a time (check period() first). */
  publishedSnapshotParts(id: string): AsyncGenerator<string> {
    return this.periods.publishedTextParts(id);
  }

  async publishedJson(id: string, part: 'snapshot' | 'result'): Promise<unknown> {
    const text = await this.publishedText(id, part);
    return text === null ? null : (JSON.parse(text) as unknown);
  }

  /** The public ledger as CSV text, streamed (ADR 0043: nothing beyond the published results). */
  publishedLedgerCsv(): AsyncGenerator<string> {
    return publishedLedgerCsv(this.repository);
  }

  /** What the public HTML page of a closed period shows; null for an unknown or open period. */
  async pageData(id: string): Promise<PeriodPageData | null> {
    const row = await this.repository.periodResult(id);
    return row ? { period: toPeriodModel(row.period), parameters: row.parameters, result: row.result } : null;
  }
}
