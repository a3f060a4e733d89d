import { Injectable } from '@nestjs/common';
import { CapitalRepository } from '../capital/capital.repository';
import { InvalidSnapshotError } from '../coop.exception';
import { canonicalHash } from '../engine/canonical-json';
import { closePeriod } from '../engine/close-period';
import type { PeriodResult, PeriodSnapshot } from '../engine/snapshot';
import type { CoopPeriodEntity } from '../periods/coop-period.entity';
import { CloseSnapshotReader } from '../periods/close-snapshot.reader';
import { CoopPeriodRepository } from '../periods/coop-period.repository';
import { memberPseudonym, publishSnapshot, type PublishedSnapshot } from '../transparency/published-snapshot';
import { LedgerRepository } from './ledger.repository';
import { MoneyAccount } from './posting-line';

export interface VerifyReport {
  ok: boolean;
  periods: { id: string; inputHash: string | null; outputHash: string | null; ok: boolean; problem?: string }[];
  unbalancedEntries: { key: string; sum: string }[];
  /** Fund balances replayed from the journal against the last closed period's result. */
  funds: { account: string; ledger: string; expected: string; ok: boolean }[];
  /** Each close's patronage payable and capital credits per member against its stored result. */
  closePostings: { period: string; ok: boolean; problem?: string }[];
  /** Capital, payables or shares in debit: more paid or redeemed than credited. */
  negativeBalances: { account: string; memberId: string; vintage: string | null; balance: string }[];
  /** Revolved vintages still holding capital. */
  unrevolvedCapital: { vintage: string; balance: string }[];
  balances: { ledger: string; account: string; memberId: string | null; vintage: string | null; balance: string }[];
}

/**
 * `guildhall coop verify`: every entry balances; every closed period's stored snapshot, re-run
 * through the engine, gives its stored hashes and result; the funds replayed from the journal
 * equal the last result's closing balances; each close's entry credited every member exactly the
 * cash and retained patronage of its result; no capital account, payable or share is overdrawn
 * (payouts and redemptions never exceed what was credited) and every revolved vintage is empty.
 * Reports every difference, changes nothing.
 */
@Injectable()
export class LedgerVerifier {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly periods: CoopPeriodRepository,
    private readonly snapshots: CloseSnapshotReader,
    private readonly capital: CapitalRepository,
  ) {}

  async verify(): Promise<VerifyReport> {
    const closed = await this.periods.findClosed();
    const periods: VerifyReport['periods'] = [];
    for (const period of closed) {
      const entry = { id: period.id, inputHash: period.inputHash, outputHash: period.outputHash };
      // The whole published document: since ADR 0069 the column keeps it without its events.
      const published = period.publishedSnapshot
        ? ((await this.periods.publishedSnapshotOf(period.id)) as PublishedSnapshot | null)
        : null;
      // The internal one's events were read where they were recorded (ADR 0070).
      const internal = await this.snapshots.internalSnapshotOf(period);
      const problem =
        recheckPeriod({ ...period, snapshot: internal, publishedSnapshot: published }) ??
        recheckHead(period.publishedSnapshot, published);
      periods.push(problem ? { ...entry, ok: false, problem } : { ...entry, ok: true });
    }
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
    // A close's result names members by that period's pseudonyms (ADR 0022).
    const keys = new Map(closed.map((p) => [p.id, p.pseudonymKey]));
    const credits = (await this.capital.closeCredits()).map((c) => {
      const key = keys.get(c.period);
      return key ? { ...c, member: memberPseudonym(key, c.member) } : c;
    });
    const closePostings = compareCloseCredits(closed, credits);
    const negativeBalances = await this.capital.overdrawnBalances();
    const unrevolvedCapital = await this.capital.unrevolvedCapital();
    const ok =
      periods.every((p) => p.ok) &&
      unbalancedEntries.length === 0 &&
      funds.every((f) => f.ok) &&
      closePostings.every((p) => p.ok) &&
      negativeBalances.length === 0 &&
      unrevolvedCapital.length === 0;
    return { ok, periods, unbalancedEntries, funds, closePostings, negativeBalances, unrevolvedCapital, balances };
  }
}

/**
 * A close since ADR 0022: the published snapshot derived again from the stored internal one and
 * the period's key is the one stored, commits to the internal one, and gives the stored result.
 * Earlier closes published (and ran) the internal snapshot itself.
 */
function recheckPeriod(period: CoopPeriodEntity): string | undefined {
  const { snapshot, publishedSnapshot, pseudonymKey, result, inputHash, outputHash } = period;
  if (!pseudonymKey) return recheck(snapshot, result, inputHash, outputHash);
  if (!snapshot || !publishedSnapshot) return 'closed without a stored internal and published snapshot';
  // Two hashes, not three: the derived snapshot's replay hashes it once.
  const problem = recheck(publishSnapshot(snapshot, pseudonymKey), result, inputHash, outputHash);
  if (problem) return `derived from the stored internal snapshot: ${problem}`;
  if (canonicalHash(publishedSnapshot) !== inputHash) {
    return 'the published snapshot differs from the one derived from the stored internal snapshot';
  }
  return undefined;
}

/**
 * The published document's head as the period row keeps it (what pages read its members from)
 * against the whole published text: equal but for the events.
 */
function recheckHead(column: PublishedSnapshot | null, published: PublishedSnapshot | null): string | undefined {
  if (!column || !published) return undefined;
  if (canonicalHash({ ...column, events: [] }) !== canonicalHash({ ...published, events: [] })) {
    return "the period's stored members and parameters differ from its published snapshot";
  }
  return undefined;
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

/** Each closed period's credits per member against its result's cash and retained (SPEC §8.8). */
export function compareCloseCredits(
  closed: { id: string; result: PeriodResult | null }[],
  credits: { period: string; member: string; cash: number; retained: number }[],
): VerifyReport['closePostings'] {
  type Credit = { cash: number; retained: number };
  const posted = new Map<string, Map<string, Credit>>();
  for (const c of credits) {
    const members = posted.get(c.period) ?? new Map<string, Credit>();
    posted.set(c.period, members);
    members.set(c.member, { cash: c.cash, retained: c.retained });
  }
  return closed.map(({ id, result }) => {
    const members = posted.get(id) ?? new Map<string, Credit>();
    const expected = new Map((result?.members ?? []).map((m) => [m.id, { cash: m.cash, retained: m.retained }]));
    for (const name of new Set([...members.keys(), ...expected.keys()])) {
      const want = expected.get(name) ?? { cash: 0, retained: 0 };
      const got = members.get(name) ?? { cash: 0, retained: 0 };
      if (want.cash !== got.cash || want.retained !== got.retained) {
        return {
          period: id,
          ok: false,
          problem:
            `${name}: the close credited cash ${got.cash} and capital ${got.retained}, ` +
            `the result says ${want.cash} and ${want.retained}`,
        };
      }
    }
    return { period: id, ok: true };
  });
}
