import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { uuidv7 } from '@guildhall/core';
import { DataSource, type EntityManager } from 'typeorm';
import type { MemberPayable, VintageCapital } from './capital-plan';
import { CapitalPolicyEntity } from './capital-policy.entity';

export interface ClosedPeriodRef {
  id: string;
  seq: number;
}

export interface PayableRow extends MemberPayable {
  handle: string;
  status: string;
}

export interface PaidRow {
  memberId: string;
  handle: string;
  status: string;
  patronageCents: number;
  redemptionCents: number;
}

export interface PayoutRunRow {
  period: string;
  postedAt: Date;
  members: number;
  totalCents: number;
}

export interface RevolvedRow {
  vintage: string;
  members: number;
  totalCents: number;
}

/** A member's balance per account, credit positive (what the cooperative owes it). */
const PAYABLES = `
  SELECT p.member_id AS "memberId",
         coalesce(-sum(p.amount) FILTER (WHERE p.account = 'patronage_payable'), 0)::float8 AS "patronageCents",
         coalesce(-sum(p.amount) FILTER (WHERE p.account = 'redemption_payable'), 0)::float8 AS "redemptionCents"
    FROM coop_postings p JOIN coop_journal_entries e ON e.id = p.entry_id
   WHERE e.ledger = 'money' AND p.account IN ('patronage_payable', 'redemption_payable')
   GROUP BY p.member_id
  HAVING sum(p.amount) FILTER (WHERE p.account = 'patronage_payable') <> 0
      OR sum(p.amount) FILTER (WHERE p.account = 'redemption_payable') <> 0`;

/** Queries behind capital accounts, revolving redemptions and payouts (the ledger is the truth). */
@Injectable()
export class CapitalRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async latestClosed(manager: EntityManager = this.dataSource.manager): Promise<ClosedPeriodRef | null> {
    const [row]: ClosedPeriodRef[] = await manager.query(
      `SELECT id, seq FROM coop_periods WHERE status = 'closed' ORDER BY seq DESC LIMIT 1`,
    );
    return row ?? null;
  }

  async closedPeriod(manager: EntityManager, id: string): Promise<ClosedPeriodRef | null> {
    const [row]: ClosedPeriodRef[] = await manager.query(
      `SELECT id, seq FROM coop_periods WHERE status = 'closed' AND id = $1`,
      [id],
    );
    return row ?? null;
  }

  async openPeriodId(manager: EntityManager): Promise<string | null> {
    const [row]: { id: string }[] = await manager.query(`SELECT id FROM coop_periods WHERE status = 'open'`);
    return row?.id ?? null;
  }

  async entryExists(manager: EntityManager, key: string): Promise<boolean> {
    const [row]: { exists: boolean }[] = await manager.query(
      `SELECT EXISTS (SELECT 1 FROM coop_journal_entries WHERE key = $1 AND ledger = 'money') AS exists`,
      [key],
    );
    return row.exists;
  }

  /** The cash account's balance (debit positive: what the cooperative holds), in cents. */
  async cashBalance(manager: EntityManager): Promise<number> {
    const [row]: { cash: number }[] = await manager.query(
      `SELECT coalesce(sum(p.amount), 0)::float8 AS cash
         FROM coop_postings p JOIN coop_journal_entries e ON e.id = p.entry_id
        WHERE e.ledger = 'money' AND p.account = 'cash'`,
    );
    return row.cash;
  }

  /** Every member's non-zero capital of the vintages up to period `throughSeq`. */
  async capitalThrough(manager: EntityManager, throughSeq: number): Promise<VintageCapital[]> {
    return manager.query(
      `SELECT p.vintage, v.seq, p.member_id AS "memberId", (-sum(p.amount))::float8 AS "balanceCents"
         FROM coop_postings p
         JOIN coop_journal_entries e ON e.id = p.entry_id
         JOIN coop_periods v ON v.id = p.vintage
        WHERE e.ledger = 'money' AND p.account = 'capital' AND v.seq <= $1
        GROUP BY p.vintage, v.seq, p.member_id
       HAVING sum(p.amount) <> 0
        ORDER BY v.seq, p.member_id`,
      [throughSeq],
    );
  }

  /** What every member is owed (patronage and redemptions payable), and whether it left. */
  async payables(manager: EntityManager): Promise<MemberPayable[]> {
    const rows: (MemberPayable & { status: string | null })[] = await manager.query(
      `SELECT b.*, m.status FROM (${PAYABLES}) b LEFT JOIN coop_members m ON m.account_id = b."memberId"`,
    );
    return rows.map(({ status, ...row }) => ({ ...row, left: status === 'withdrawn' || status === 'expelled' }));
  }

  /** What the cooperative owes all members together (patronage and redemptions payable), in cents. */
  async payableTotal(): Promise<number> {
    const [row]: { total: string }[] = await this.dataSource.query(
      `SELECT coalesce(-sum(p.amount), 0)::text AS total
         FROM coop_postings p JOIN coop_journal_entries e ON e.id = p.entry_id
        WHERE e.ledger = 'money' AND p.account IN ('patronage_payable', 'redemption_payable')`,
    );
    return Number(row.total);
  }

  /** A page of what members are owed, by account id after `afterId`. */
  payablesPage(afterId: string | null, limit: number): Promise<PayableRow[]> {
    return this.dataSource.query(
      `SELECT b.*, a.username AS handle, coalesce(m.status, 'none') AS status,
              coalesce(m.status IN ('withdrawn', 'expelled'), false) AS "left"
         FROM (${PAYABLES}) b
         JOIN accounts a ON a.id = b."memberId"
         LEFT JOIN coop_members m ON m.account_id = b."memberId"
        WHERE $1::uuid IS NULL OR b."memberId" > $1::uuid
        ORDER BY b."memberId"
        LIMIT $2`,
      [afterId, limit],
    );
  }

  /** What the entry `key` paid each member (its debits to the payables). */
  paidBy(manager: EntityManager, key: string): Promise<PaidRow[]> {
    return manager.query(
      `SELECT p.member_id AS "memberId", a.username AS handle, coalesce(m.status, 'none') AS status,
              coalesce(sum(p.amount) FILTER (WHERE p.account = 'patronage_payable'), 0)::float8 AS "patronageCents",
              coalesce(sum(p.amount) FILTER (WHERE p.account = 'redemption_payable'), 0)::float8 AS "redemptionCents"
         FROM coop_journal_entries e
         JOIN coop_postings p ON p.entry_id = e.id
         JOIN accounts a ON a.id = p.member_id
         LEFT JOIN coop_members m ON m.account_id = p.member_id
        WHERE e.key = $1 AND e.ledger = 'money' AND p.member_id IS NOT NULL
        GROUP BY p.member_id, a.username, m.status
        ORDER BY a.username`,
      [key],
    );
  }

  /** Past payout runs, newest first: what each paid (its debits to the payables) and to how many. */
  payoutRuns(limit: number): Promise<PayoutRunRow[]> {
    return this.dataSource.query(
      `SELECT substr(e.key, 8) AS period, e.created_at AS "postedAt",
              count(DISTINCT p.member_id)::int AS members,
              coalesce(sum(p.amount) FILTER (WHERE p.account IN ('patronage_payable', 'redemption_payable')), 0)::float8
                AS "totalCents"
         FROM coop_journal_entries e JOIN coop_postings p ON p.entry_id = e.id
        WHERE e.key LIKE 'payout:%' AND e.ledger = 'money'
        GROUP BY e.id, e.key, e.created_at
        ORDER BY e.created_at DESC, e.key DESC
        LIMIT $1`,
      [limit],
    );
  }

  /** The vintages redeemed (revolve entries) during period `periodId`. */
  revolvedDuring(manager: EntityManager, periodId: string): Promise<RevolvedRow[]> {
    return manager.query(
      `SELECT p.vintage, count(DISTINCT p.member_id)::int AS members, sum(p.amount)::float8 AS "totalCents"
         FROM coop_journal_entries e JOIN coop_postings p ON p.entry_id = e.id
        WHERE e.key LIKE 'revolve:%' AND e.ledger = 'money' AND e.period_id = $1 AND p.account = 'capital'
        GROUP BY p.vintage
        ORDER BY min(e.created_at), p.vintage`,
      [periodId],
    );
  }

  /** What each close credited each member (by username): patronage payable and capital, credit positive. */
  closeCredits(): Promise<{ period: string; member: string; cash: number; retained: number }[]> {
    return this.dataSource.query(
      `SELECT substr(e.key, 7) AS period, a.username AS member,
              coalesce(-sum(p.amount) FILTER (WHERE p.account = 'patronage_payable'), 0)::float8 AS cash,
              coalesce(-sum(p.amount) FILTER (WHERE p.account = 'capital'), 0)::float8 AS retained
         FROM coop_journal_entries e
         JOIN coop_postings p ON p.entry_id = e.id
         JOIN accounts a ON a.id = p.member_id
        WHERE e.key LIKE 'close:%' AND e.ledger = 'money' AND p.account IN ('patronage_payable', 'capital')
        GROUP BY e.key, a.username`,
    );
  }

  /**
   * Member accounts the cooperative owes on (capital, payables, shares) that went into debit:
   * paid or redeemed more than was credited. None, unless a posting was wrong.
   */
  overdrawnBalances(): Promise<{ account: string; memberId: string; vintage: string | null; balance: string }[]> {
    return this.dataSource.query(
      `SELECT p.account, p.member_id AS "memberId", p.vintage, sum(p.amount)::text AS balance
         FROM coop_postings p JOIN coop_journal_entries e ON e.id = p.entry_id
        WHERE e.ledger = 'money' AND p.member_id IS NOT NULL
          AND p.account IN ('capital', 'patronage_payable', 'redemption_payable', 'membership_shares')
        GROUP BY p.account, p.member_id, p.vintage
       HAVING sum(p.amount) > 0
        ORDER BY p.account, p.member_id, p.vintage`,
    );
  }

  /** Vintages with a revolve entry that still hold capital (a revolve moves all of it). */
  unrevolvedCapital(): Promise<{ vintage: string; balance: string }[]> {
    return this.dataSource.query(
      `SELECT p.vintage, (-sum(p.amount))::text AS balance
         FROM coop_postings p JOIN coop_journal_entries e ON e.id = p.entry_id
        WHERE e.ledger = 'money' AND p.account = 'capital'
          AND EXISTS (SELECT 1 FROM coop_journal_entries r WHERE r.key = 'revolve:' || p.vintage AND r.ledger = 'money')
        GROUP BY p.vintage
       HAVING sum(p.amount) <> 0
        ORDER BY p.vintage`,
    );
  }

  currentPolicy(manager: EntityManager = this.dataSource.manager): Promise<CapitalPolicyEntity | null> {
    return manager.getRepository(CapitalPolicyEntity).findOne({ where: {}, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /** Runs `work` in one transaction (a policy change and its audit entry commit together). */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insertPolicy(
    manager: EntityManager,
    policy: Pick<CapitalPolicyEntity, 'revolvingPeriods' | 'minPayoutCents' | 'setBy' | 'reason'>,
  ): Promise<CapitalPolicyEntity> {
    const repository = manager.getRepository(CapitalPolicyEntity);
    const id = uuidv7();
    await repository.insert({ id, ...policy });
    return repository.findOneByOrFail({ id });
  }
}
