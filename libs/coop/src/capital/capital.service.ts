import { Injectable, Logger } from '@nestjs/common';
import { AuditLog, type Connection, InvalidCursorException } from '@guildhall/core';
import type { EntityManager } from 'typeorm';
import { CAPITAL_POLICY_BOUNDS, DEFAULT_MIN_PAYOUT_CENTS, DEFAULT_REVOLVING_PERIODS } from '../bylaws';
import { LedgerService } from '../ledger/ledger.service';
import { CoopPeriodRepository } from '../periods/coop-period.repository';
import {
  cashShortfall,
  payoutKey,
  payoutLines,
  planPayouts,
  planRevolving,
  revolveKey,
  revolvingThroughSeq,
} from './capital-plan';
import { CapitalErrorCode, CapitalException } from './capital.exception';
import type {
  CapitalPolicyModel,
  PayableModel,
  PayoutRunModel,
  PayoutRunSummaryModel,
  RevolvedVintageModel,
} from './capital.model';
import { CapitalRepository } from './capital.repository';
import type { SetCapitalPolicyInput } from './dto/set-capital-policy.input';

/** A period id as the calendar makes them: `2026-11`, `2026-11.2`. */
const PERIOD_ID = /^\d{4}-\d{2}(\.\d{1,6})?$/;

const encodeCursor = (accountId: string) => Buffer.from(`payable:${accountId}`).toString('base64url');
function decodeCursor(after: string | null | undefined): string | null {
  if (!after) return null;
  const match = /^payable:([0-9a-f-]{36})$/.exec(Buffer.from(after, 'base64url').toString('utf8'));
  if (!match) throw new InvalidCursorException();
  return match[1];
}

/**
 * Capital accounts and payouts (issue 5, item 5; SPEC §1, §7). Retained patronage sits in each
 * member's capital account by vintage until its vintage revolves (the policy's period count
 * after it closed, or earlier when the board redeems it): then it becomes redemption payable.
 * A payout run, once per closed period, pays what is payable. Every step is a balanced ledger
 * entry posted once per key, under the close lock, so payouts and closes never interleave.
 */
@Injectable()
export class CapitalService {
  private readonly logger = new Logger(CapitalService.name);

  constructor(
    private readonly capital: CapitalRepository,
    private readonly periods: CoopPeriodRepository,
    private readonly ledger: LedgerService,
    private readonly audit: AuditLog,
  ) {}

  async policy(manager?: EntityManager): Promise<CapitalPolicyModel> {
    const row = await this.capital.currentPolicy(manager);
    return row
      ? {
          revolvingPeriods: row.revolvingPeriods,
          minPayoutCents: row.minPayoutCents,
          reason: row.reason,
          setAt: row.createdAt,
        }
      : {
          revolvingPeriods: DEFAULT_REVOLVING_PERIODS,
          minPayoutCents: DEFAULT_MIN_PAYOUT_CENTS,
          reason: '',
          setAt: null,
        };
  }

  /** The board sets the revolving period and the minimum payout, within the bylaws. */
  async setPolicy(adminId: string, input: SetCapitalPolicyInput): Promise<CapitalPolicyModel> {
    const current = await this.policy();
    const revolvingPeriods = input.revolvingPeriods ?? current.revolvingPeriods;
    const minPayoutCents = input.minPayoutCents ?? current.minPayoutCents;
    const bounds = CAPITAL_POLICY_BOUNDS;
    const outside = (field: string, value: number, min: number, max: number) => {
      if (!Number.isSafeInteger(value) || value < min || value > max) {
        throw new CapitalException(
          CapitalErrorCode.OutsideBylaws,
          `${field} must be an integer from ${min} to ${max} (bylaws), got ${value}`,
          { field },
        );
      }
    };
    outside('revolvingPeriods', revolvingPeriods, bounds.minRevolvingPeriods, bounds.maxRevolvingPeriods);
    outside('minPayoutCents', minPayoutCents, bounds.minPayoutCents, bounds.maxPayoutCents);
    const row = await this.capital.transaction(async (manager) => {
      const inserted = await this.capital.insertPolicy(manager, {
        revolvingPeriods,
        minPayoutCents,
        setBy: adminId,
        reason: input.reason ?? '',
      });
      await this.audit.record(manager, {
        actorId: adminId,
        action: 'coop.set_capital_policy',
        subject: 'capital policy',
        details: {
          revolvingPeriods,
          minPayoutCents,
          previous: { revolvingPeriods: current.revolvingPeriods, minPayoutCents: current.minPayoutCents },
          reason: inserted.reason,
        },
      });
      return inserted;
    });
    this.logger.log({ msg: 'capital policy set', adminId, revolvingPeriods, minPayoutCents });
    return { revolvingPeriods, minPayoutCents, reason: row.reason, setAt: row.createdAt };
  }

  /**
   * The payout run of the latest closed period: revolves the vintages due under the policy, then
   * pays every member owed at least the minimum, and every member who left whatever it is owed,
   * in one entry `payout:<period>`. Smaller amounts stay payable for a later run. Running it again
   * for the same period posts nothing and returns what the run paid. A run the cash account does
   * not cover posts nothing (revolving included) and says so. A run that posts is audit-logged
   * (`coop.run_payouts`, by `actorId`; null: the system, e.g. the CLI) in its transaction.
   */
  runPayouts(actorId: string | null = null): Promise<PayoutRunModel> {
    return this.periods.withCloseLock(async (manager) => {
      const latest = await this.capital.latestClosed(manager);
      if (!latest) throw new CapitalException(CapitalErrorCode.NothingClosed, 'No period has closed yet');
      const open = await this.openPeriod(manager);
      const key = payoutKey(latest.id);
      if (await this.capital.entryExists(manager, key)) return this.storedRun(manager, latest.id, open, false);
      const policy = await this.policy(manager);
      await this.revolve(manager, revolvingThroughSeq(latest.seq, policy.revolvingPeriods), open);
      const plan = planPayouts(await this.capital.payables(manager), policy.minPayoutCents);
      const cashCents = await this.capital.cashBalance(manager);
      const shortfall = cashShortfall(plan, cashCents);
      if (shortfall > 0) {
        throw new CapitalException(
          CapitalErrorCode.InsufficientCash,
          `The run would pay ${plan.totalCents} cents; the cash account holds ${cashCents}`,
          { neededCents: plan.totalCents, cashCents },
        );
      }
      await this.ledger.post(manager, { key, ledger: 'money', periodId: open, lines: payoutLines(plan) });
      await this.audit.record(manager, {
        actorId,
        action: 'coop.run_payouts',
        subject: latest.id,
        details: { paid: plan.payouts.length, carried: plan.carried.length, totalCents: plan.totalCents },
      });
      this.logger.log({
        msg: 'payout run',
        periodId: latest.id,
        paid: plan.payouts.length,
        carried: plan.carried.length,
        totalCents: plan.totalCents,
      });
      return this.storedRun(manager, latest.id, open, true);
    });
  }

  /**
   * Redeems every vintage up to and including `through` (a closed period) now, ahead of the
   * schedule: the board's early revolvement. A vintage is redeemed once; redeeming it again posts
   * nothing. Returns what this call redeemed; audit-logged (`coop.redeem_vintages`, by `actorId`)
   * in its transaction when it redeemed anything.
   */
  redeemVintages(through: string, actorId: string | null = null): Promise<RevolvedVintageModel[]> {
    return this.periods.withCloseLock(async (manager) => {
      const vintage = PERIOD_ID.test(through) ? await this.capital.closedPeriod(manager, through) : null;
      if (!vintage) {
        throw new CapitalException(CapitalErrorCode.UnknownVintage, `${through} is not a closed period`, {
          field: 'through',
        });
      }
      const revolved = await this.revolve(manager, vintage.seq, await this.openPeriod(manager));
      if (revolved.length) {
        await this.audit.record(manager, {
          actorId,
          action: 'coop.redeem_vintages',
          subject: through,
          details: {
            vintages: revolved.map((r) => r.vintage),
            amountCents: revolved.reduce((sum, r) => sum + r.amountCents, 0),
          },
        });
      }
      return revolved;
    });
  }

  /** What the cooperative owes all members together, in cents (the console's overview). */
  payableTotalCents(): Promise<number> {
    return this.capital.payableTotal();
  }

  async payables(first: number, after?: string | null): Promise<Connection<PayableModel>> {
    const rows = await this.capital.payablesPage(decodeCursor(after), first + 1);
    const { minPayoutCents } = await this.policy();
    const edges = rows.slice(0, first).map((row) => {
      const totalCents = row.patronageCents + row.redemptionCents;
      const node: PayableModel = {
        accountId: row.memberId,
        handle: row.handle,
        status: row.status,
        patronageCents: row.patronageCents,
        redemptionCents: row.redemptionCents,
        totalCents,
        dueNextRun: planPayouts([row], minPayoutCents).payouts.length > 0,
      };
      return { cursor: encodeCursor(row.memberId), node };
    });
    return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /** Past payout runs, newest first (at most `limit`, 1–100). */
  payoutRuns(limit: number): Promise<PayoutRunSummaryModel[]> {
    return this.capital.payoutRuns(Math.min(Math.max(Math.trunc(limit) || 1, 1), 100));
  }

  /** Posts `revolve:<vintage>` for each vintage up to `throughSeq` still holding capital. */
  private async revolve(manager: EntityManager, throughSeq: number, open: string): Promise<RevolvedVintageModel[]> {
    if (throughSeq < 1) return [];
    const revolved: RevolvedVintageModel[] = [];
    for (const plan of planRevolving(await this.capital.capitalThrough(manager, throughSeq), throughSeq)) {
      const posted = await this.ledger.post(manager, {
        key: revolveKey(plan.vintage),
        ledger: 'money',
        periodId: open,
        lines: plan.lines,
      });
      if (!posted) continue;
      revolved.push({ vintage: plan.vintage, members: plan.members, amountCents: plan.totalCents });
      this.logger.log({
        msg: 'vintage revolved',
        vintage: plan.vintage,
        members: plan.members,
        cents: plan.totalCents,
      });
    }
    return revolved;
  }

  private async storedRun(
    manager: EntityManager,
    periodId: string,
    open: string,
    posted: boolean,
  ): Promise<PayoutRunModel> {
    const paid = await this.capital.paidBy(manager, payoutKey(periodId));
    const payouts = paid.map((p) => ({
      accountId: p.memberId,
      handle: p.handle,
      patronageCents: p.patronageCents,
      redemptionCents: p.redemptionCents,
      totalCents: p.patronageCents + p.redemptionCents,
      finalSettlement: p.status === 'withdrawn' || p.status === 'expelled',
    }));
    const revolved = (await this.capital.revolvedDuring(manager, open)).map((r) => ({
      vintage: r.vintage,
      members: r.members,
      amountCents: r.totalCents,
    }));
    return { period: periodId, posted, revolved, payouts, totalCents: payouts.reduce((s, p) => s + p.totalCents, 0) };
  }

  /** Postings made after a close belong to the period then open (a closed period takes none). */
  private async openPeriod(manager: EntityManager): Promise<string> {
    const open = await this.capital.openPeriodId(manager);
    if (!open) throw new Error('a period has closed but none is open');
    return open;
  }
}
