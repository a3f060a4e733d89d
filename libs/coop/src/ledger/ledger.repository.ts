import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { uuidv7 } from '@guildhall/core';
import { DataSource, type EntityManager } from 'typeorm';
import type { Ledger } from './journal-entry.entity';
import { settledLater } from '../periods/in-flight';
import { PostingColumns } from './posting-columns';
import type { PostingLine } from './posting-line';

/** Lines per statement of an entry staged before it is posted (see insertStaged). */
export const STAGED_LINES = 250_000;

export interface NewEntry {
  key: string;
  ledger: Ledger;
  periodId: string | null;
  /** Lines of 0 are not posted. */
  lines: readonly PostingLine[] | PostingColumns;
}

export interface BalanceRow {
  ledger: Ledger;
  account: string;
  memberId: string | null;
  vintage: string | null;
  balance: string;
}

@Injectable()
export class LedgerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts the entry and its lines in one statement (so the database's balance check sees them
   * together, and a caller can leave the whole post to the server: see PeriodService). Returns
   * false, posting nothing, when an entry with this key exists. An entry of more than
   * `stagedLines` lines (a close's, millions) is staged first: see insertStaged.
   */
  async insertEntry(manager: EntityManager, entry: NewEntry, stagedLines = STAGED_LINES): Promise<boolean> {
    const id = uuidv7();
    const lines = entry.lines instanceof PostingColumns ? entry.lines : PostingColumns.of(entry.lines);
    const header = [id, entry.key, entry.ledger, entry.periodId];
    const insertEntry = `INSERT INTO coop_journal_entries (id, key, ledger, period_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key, ledger) DO NOTHING RETURNING id`;
    if (lines.count === 0) {
      const inserted: unknown[] = await manager.query(insertEntry, header);
      return inserted.length > 0;
    }
    if (lines.count > stagedLines) return this.insertStaged(manager, id, header, insertEntry, lines, stagedLines);
    // The columns travel as compact text — the few accounts and vintages once each plus a number
    // per line, member ids and amounts as comma-separated lists (neither can contain a comma) —
    // instead of arrays of quoted strings. No lines are inserted when the entry exists (`entry`
    // is then empty).
    const texts = lines.texts(0, lines.count);
    const inserted: unknown[] = await manager.query(
      `WITH entry AS (${insertEntry}), lines AS (
         INSERT INTO coop_postings (entry_id, account, member_id, vintage, amount)
         SELECT entry.id, ($5::text[])[l.account], l.member_id, ($7::text[])[l.vintage], l.amount
           FROM entry, ${linesFromTexts(6, 8, 9, 10)}
          ORDER BY l.n
       )
       SELECT id FROM entry`,
      [
        ...header,
        lines.accounts,
        texts.accountCodes,
        lines.vintages,
        texts.memberIds,
        texts.vintageCodes,
        texts.amounts,
      ],
    );
    return inserted.length > 0;
  }

  /**
   * insertEntry for millions of lines (ADR 0075). As one statement, their texts were ~80 MB at a
   * million members, copied twice more into the driver's growing buffers (+260 MB at the close's
   * peak). Instead the lines go, `batch` at a time, into a temporary table of this
   * transaction (two batches in flight), and one statement inserts the entry and every line
   * from it, so the balance check still sees the entry whole. Needs the caller's transaction: the
   * staged lines are its own until they are posted.
   */
  private async insertStaged(
    manager: EntityManager,
    id: string,
    header: unknown[],
    insertEntry: string,
    lines: PostingColumns,
    batch: number,
  ): Promise<boolean> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error(`an entry of more than ${batch} lines is posted inside a transaction`);
    }
    const table = `pg_temp.ledger_lines_${id.replace(/-/g, '')}`;
    await manager.query(
      `CREATE TEMPORARY TABLE ${table} (n int, account int, member_id uuid, vintage int, amount bigint) ON COMMIT DROP`,
    );
    const inFlight: Promise<unknown>[] = [];
    for (let start = 0; start < lines.count; start += batch) {
      const texts = lines.texts(start, Math.min(start + batch, lines.count));
      const staged: Promise<unknown> = manager.query(
        `INSERT INTO ${table} (n, account, member_id, vintage, amount)
         SELECT $1::int + l.n, l.account, l.member_id, l.vintage, l.amount
           FROM ${linesFromTexts(2, 3, 4, 5)}`,
        [start, texts.accountCodes, texts.memberIds, texts.vintageCodes, texts.amounts],
      );
      // awaited below, in order: the first failure is the one reported
      inFlight.push(settledLater(staged));
      if (inFlight.length >= 2) await inFlight.shift();
    }
    for (const staged of inFlight) await staged;
    const inserted: unknown[] = await manager.query(
      `WITH entry AS (${insertEntry}), lines AS (
         INSERT INTO coop_postings (entry_id, account, member_id, vintage, amount)
         SELECT entry.id, ($5::text[])[l.account], l.member_id, ($6::text[])[l.vintage], l.amount
           FROM entry, ${table} l
          ORDER BY l.n
       )
       SELECT id FROM entry`,
      [...header, lines.accounts, lines.vintages],
    );
    await manager.query(`DROP TABLE ${table}`);
    return inserted.length > 0;
  }

  /** Units a member was issued by the entry `key` (the credits to `unvested`). */
  async unitsIssuedBy(manager: EntityManager, key: string): Promise<{ memberId: string; units: number }[]> {
    const rows: { member_id: string; units: string }[] = await manager.query(
      `SELECT p.member_id, -SUM(p.amount) AS units
         FROM coop_postings p JOIN coop_journal_entries e ON e.id = p.entry_id
        WHERE e.key = $1 AND e.ledger = 'units' AND p.account = 'unvested' AND p.amount < 0
        GROUP BY p.member_id ORDER BY p.member_id`,
      [key],
    );
    return rows.map((r) => ({ memberId: r.member_id, units: Number(r.units) }));
  }

  /** A member's balance of one units account, credit-positive. */
  async memberUnits(manager: EntityManager, memberId: string, account: string): Promise<number> {
    const [row]: { units: string | null }[] = await manager.query(
      `SELECT -SUM(p.amount) AS units FROM coop_postings p JOIN coop_journal_entries e ON e.id = p.entry_id
        WHERE e.ledger = 'units' AND p.account = $2 AND p.member_id = $1`,
      [memberId, account],
    );
    return Number(row?.units ?? 0);
  }

  /** Every balance of both ledgers (debit positive), recomputed from the postings. */
  balances(): Promise<BalanceRow[]> {
    return this.dataSource.query(
      `SELECT e.ledger, p.account, p.member_id AS "memberId", p.vintage, SUM(p.amount)::text AS balance
         FROM coop_postings p JOIN coop_journal_entries e ON e.id = p.entry_id
        GROUP BY e.ledger, p.account, p.member_id, p.vintage
        ORDER BY e.ledger, p.account, p.member_id NULLS FIRST, p.vintage NULLS FIRST`,
    );
  }

  /** Entries whose postings do not sum to 0 (none, unless the guard was bypassed). */
  unbalancedEntries(): Promise<{ key: string; sum: string }[]> {
    return this.dataSource.query(
      `SELECT e.key, SUM(p.amount)::text AS sum FROM coop_journal_entries e JOIN coop_postings p ON p.entry_id = e.id
        GROUP BY e.key HAVING SUM(p.amount) <> 0 ORDER BY e.key`,
    );
  }

  /** The lines of the entries keyed `key` (both ledgers). */
  entryLines(key: string): Promise<{ ledger: Ledger; account: string; memberId: string | null; amount: string }[]> {
    return this.dataSource.query(
      `SELECT e.ledger, p.account, p.member_id AS "memberId", p.amount::text AS amount
         FROM coop_journal_entries e JOIN coop_postings p ON p.entry_id = e.id WHERE e.key = $1 ORDER BY p.id`,
      [key],
    );
  }
}

/**
 * The lines of PostingColumns.texts() as rows `l(account, member_id, vintage, amount, n)`, from
 * the parameters numbered `codes`, `members`, `vintages` and `amounts` (n counts from 1).
 */
function linesFromTexts(codes: number, members: number, vintages: number, amounts: number): string {
  return `unnest(string_to_array($${codes}, ',')::int[], string_to_array($${members}, ',', '')::uuid[],
                 string_to_array($${vintages}, ',')::int[], string_to_array($${amounts}, ',')::bigint[])
          WITH ORDINALITY AS l(account, member_id, vintage, amount, n)`;
}
