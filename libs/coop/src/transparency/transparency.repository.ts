import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MemberResult, PeriodParameters, PeriodResult } from '../engine/snapshot';
import { PUBLISHED_TEXT_SQL } from '../periods/coop-period.repository';
import { memberPseudonymSql } from './published-snapshot';

export interface PublishedPeriodRow {
  id: string;
  seq: number;
  startsAt: Date;
  endsAt: Date;
  closedAt: Date;
  inputHash: string;
  outputHash: string;
}

export interface MemberPeriodRow extends PublishedPeriodRow {
  parameters: PeriodParameters;
  pools: PeriodResult['pools'];
  member: MemberResult;
  /** The member's vested units in the snapshot (its EQUITY weight). */
  vestedUnits: number;
}

export interface LedgerCsvRow {
  id: string;
  key: string;
  ledger: string;
  period: string | null;
  account: string;
  member: string | null;
  vintage: string | null;
  amount: string;
  createdAt: Date;
}

export interface PublishedLedgerRow {
  entryId: string;
  key: string;
  ledger: string;
  period: string | null;
  /** Null only on the one row of an entry without postings (it only moves the cursor on). */
  account: string | null;
  /** The member's pseudonym in that period's published result; null on every other line. */
  member: string | null;
  vintage: string | null;
  amount: string;
  createdAt: Date;
}

/** A close stores the period's actual end in ends_at (the close's time when it closed early). */
const PERIOD_COLUMNS = `p.id, p.seq, p.starts_at AS "startsAt", p.ends_at AS "endsAt", p.closed_at AS "closedAt",
  p.input_hash AS "inputHash", p.output_hash AS "outputHash"`;

/** Read-only queries behind the transparency views: the ledger and the published closes. */
@Injectable()
export class TransparencyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every balance of the member's accounts (credit positive, as members read them). */
  memberBalances(
    accountId: string,
  ): Promise<{ ledger: string; account: string; vintage: string | null; credit: string; debit: string }[]> {
    return this.dataSource.query(
      `SELECT e.ledger, p.account, p.vintage,
              (-sum(p.amount) FILTER (WHERE p.amount < 0))::text AS credit,
              (sum(p.amount) FILTER (WHERE p.amount > 0))::text AS debit
         FROM coop_postings p JOIN coop_journal_entries e ON e.id = p.entry_id
        WHERE p.member_id = $1
        GROUP BY e.ledger, p.account, p.vintage
        ORDER BY e.ledger, p.account, p.vintage NULLS FIRST`,
      [accountId],
    );
  }

  /** The seq of each named period and of the latest closed one (vintages revolve by seq). */
  async periodSeqs(ids: string[]): Promise<{ seqs: Map<string, number>; latestClosed: number }> {
    const rows: { id: string; seq: number }[] = await this.dataSource.query(
      `SELECT id, seq FROM coop_periods WHERE id = ANY($1)`,
      [ids],
    );
    const [latest]: { seq: number | null }[] = await this.dataSource.query(
      `SELECT max(seq) AS seq FROM coop_periods WHERE status = 'closed'`,
    );
    return { seqs: new Map(rows.map((r) => [r.id, r.seq])), latestClosed: latest?.seq ?? 0 };
  }

  /** The units each close issued to the member (unvested when issued), oldest first. */
  unitTranches(accountId: string): Promise<{ periodId: string; seq: number; units: number }[]> {
    return this.dataSource.query(
      `SELECT e.period_id AS "periodId", per.seq, (-sum(p.amount))::float8 AS units
         FROM coop_postings p
         JOIN coop_journal_entries e ON e.id = p.entry_id
         JOIN coop_periods per ON per.id = e.period_id
        WHERE p.member_id = $1 AND p.account = 'unvested' AND p.amount < 0
          AND e.ledger = 'units' AND e.key = 'close:' || e.period_id
        GROUP BY e.period_id, per.seq
        ORDER BY per.seq`,
      [accountId],
    );
  }

  /** Every period's seq, vesting periods, end and status, oldest first (the vesting calendar). */
  periodCalendar(): Promise<{ id: string; seq: number; vestingPeriods: number; endsAt: Date; open: boolean }[]> {
    return this.dataSource.query(
      `SELECT id, seq, vesting_periods AS "vestingPeriods", ends_at AS "endsAt", status = 'open' AS open
         FROM coop_periods ORDER BY seq`,
    );
  }

  /** Admitted members in good standing and closed periods, for the public landing page. */
  async publicCounts(): Promise<{ memberCount: number; closedPeriods: number }> {
    const [row]: { memberCount: number; closedPeriods: number }[] = await this.dataSource.query(
      `SELECT (SELECT count(*)::int FROM coop_members WHERE status = 'active') AS "memberCount",
              (SELECT count(*)::int FROM coop_periods WHERE status = 'closed') AS "closedPeriods"`,
    );
    return row;
  }

  async username(accountId: string): Promise<string | null> {
    const [row]: { username: string }[] = await this.dataSource.query(
      `SELECT username FROM accounts WHERE id = $1 AND domain IS NULL`,
      [accountId],
    );
    return row?.username ?? null;
  }

  /**
   * The closed periods whose result lists the member, newest first, from before `beforeSeq`:
   * `limit` rows. Only the member's own entry of each result leaves the database. A result names
   * the member by that period's pseudonym (closes before ADR 0022: by username).
   */
  memberPeriods(username: string, beforeSeq: number | null, limit: number): Promise<MemberPeriodRow[]> {
    return this.dataSource.query(
      `SELECT ${PERIOD_COLUMNS}, p.parameters, p.result->'pools' AS pools, m.member,
              coalesce((SELECT (sm->>'vestedUnits')::bigint
                          FROM json_array_elements(coalesce(p.published_snapshot, p.snapshot)->'members') sm
                         WHERE sm->>'id' = n.name LIMIT 1), 0)::float8 AS "vestedUnits"
         FROM coop_periods p
         CROSS JOIN LATERAL (
           SELECT CASE WHEN p.pseudonym_key IS NULL THEN $1::text ELSE ${memberPseudonymSql('p', '$1::text')} END AS name
         ) n
         CROSS JOIN LATERAL (
           SELECT x AS member FROM json_array_elements(p.result->'members') x WHERE x->>'id' = n.name LIMIT 1
         ) m
        WHERE p.status = 'closed' AND ($2::int IS NULL OR p.seq < $2)
        ORDER BY p.seq DESC
        LIMIT $3`,
      [username, beforeSeq, limit],
    );
  }

  /** Closed periods, newest first, from before `beforeSeq`. */
  closedPeriods(beforeSeq: number | null, limit: number): Promise<PublishedPeriodRow[]> {
    return this.dataSource.query(
      `SELECT ${PERIOD_COLUMNS} FROM coop_periods p
        WHERE p.status = 'closed' AND ($1::int IS NULL OR p.seq < $1)
        ORDER BY p.seq DESC LIMIT $2`,
      [beforeSeq, limit],
    );
  }

  async closedPeriod(id: string): Promise<PublishedPeriodRow | null> {
    const [row]: PublishedPeriodRow[] = await this.dataSource.query(
      `SELECT ${PERIOD_COLUMNS} FROM coop_periods p WHERE p.status = 'closed' AND p.id = $1`,
      [id],
    );
    return row ?? null;
  }

  /**
   * The stored JSON text of a closed period's published snapshot (joined from its parts, ADR
   * 0069) or result (the internal snapshot is published only for closes before ADR 0022, which
   * ran it).
   */
  async publishedText(id: string, part: 'snapshot' | 'result'): Promise<string | null> {
    const column = part === 'snapshot' ? PUBLISHED_TEXT_SQL('p') : 'p.result::text';
    const [row]: { text: string }[] = await this.dataSource.query(
      `SELECT ${column} AS text FROM coop_periods p WHERE p.status = 'closed' AND p.id = $1`,
      [id],
    );
    return row?.text ?? null;
  }

  /** A closed period's result and frozen parameters (the HTML page's data). */
  async periodResult(
    id: string,
  ): Promise<{ period: PublishedPeriodRow; parameters: PeriodParameters; result: PeriodResult } | null> {
    const [row]: (PublishedPeriodRow & { parameters: PeriodParameters; result: PeriodResult })[] =
      await this.dataSource.query(
        `SELECT ${PERIOD_COLUMNS}, p.parameters, p.result FROM coop_periods p WHERE p.status = 'closed' AND p.id = $1`,
        [id],
      );
    if (!row) return null;
    const { parameters, result, ...period } = row;
    return { period, parameters, result };
  }

  /** Postings after `afterId` (by id), `limit` of them, with their entry and member. */
  ledgerRows(afterId: string, limit: number): Promise<LedgerCsvRow[]> {
    return this.dataSource.query(
      `SELECT p.id::text AS id, e.key, e.ledger, e.period_id AS period, p.account,
              coalesce(a.username, p.member_id::text) AS member, p.vintage, p.amount::text AS amount,
              e.created_at AS "createdAt"
         FROM coop_postings p
         JOIN coop_journal_entries e ON e.id = p.entry_id
         LEFT JOIN accounts a ON a.id = p.member_id
        WHERE p.id > $1::bigint
        ORDER BY p.id
        LIMIT $2`,
      [afterId, limit],
    );
  }

  /**
   * The public ledger (ADR 0043), `limit` journal entries after `afterEntryId` (entry ids are
   * time-ordered): the entries of closed periods' closes, payouts and revolvings; membership
   * share entries (their keys name accounts) are left out. A close's result lines (cash part,
   * retained part, units issued) name the member by that period's pseudonym, as its published
   * result does; every other member line is summed per entry, account, vintage and sign with
   * no member, so nothing links a pseudonym to another period or to an account.
   */
  publishedLedgerRows(afterEntryId: string, limit: number): Promise<PublishedLedgerRow[]> {
    return this.dataSource.query(
      `WITH entries AS (
         SELECT e.id, e.key, e.ledger, e.period_id, e.created_at, cp.id AS closed, cp.pseudonym_key
           FROM coop_journal_entries e
           LEFT JOIN coop_periods cp ON e.key = 'close:' || cp.id AND cp.status = 'closed'
          WHERE e.id > $1::uuid
            AND (cp.id IS NOT NULL OR e.key LIKE 'payout:%' OR e.key LIKE 'revolve:%')
          ORDER BY e.id
          LIMIT $2
       ), lines AS (
         SELECT x.id AS entry_id, p.id AS posting_id, p.account, p.vintage, p.amount,
                CASE WHEN x.closed IS NOT NULL AND p.member_id IS NOT NULL
                      AND (p.account IN ('patronage_payable', 'capital') OR (p.account = 'unvested' AND p.amount < 0))
                     THEN (SELECT CASE WHEN x.pseudonym_key IS NULL THEN a.username
                                       ELSE ${memberPseudonymSql('x', 'a.username')} END
                             FROM accounts a WHERE a.id = p.member_id)
                END AS member,
                p.member_id IS NOT NULL AS of_member
           FROM entries x JOIN coop_postings p ON p.entry_id = x.id
       )
       SELECT x.id AS "entryId", x.key, x.ledger, x.period_id AS period, l.account, l.member, l.vintage,
              sum(l.amount)::text AS amount, x.created_at AS "createdAt"
         FROM entries x LEFT JOIN lines l ON l.entry_id = x.id
        GROUP BY x.id, x.key, x.ledger, x.period_id, x.created_at, l.account, l.member, l.vintage, sign(l.amount),
                 CASE WHEN l.of_member AND l.member IS NULL THEN NULL ELSE l.posting_id END
        ORDER BY x.id, min(l.posting_id)`,
      [afterEntryId, limit],
    );
  }
}
