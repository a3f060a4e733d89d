import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { uuidv7 } from '@guildhall/core';
import { DataSource, type EntityManager } from 'typeorm';
import type { Ledger } from './journal-entry.entity';
import type { PostingLine } from './posting-line';

export interface NewEntry {
  key: string;
  ledger: Ledger;
  periodId: string | null;
  lines: readonly PostingLine[];
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
   * false, posting nothing, when an entry with this key exists.
   */
  async insertEntry(manager: EntityManager, entry: NewEntry): Promise<boolean> {
    const id = uuidv7();
    const lines = entry.lines.filter((line) => line.amount !== 0);
    const header = [id, entry.key, entry.ledger, entry.periodId];
    const insertEntry = `INSERT INTO coop_journal_entries (id, key, ledger, period_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key, ledger) DO NOTHING RETURNING id`;
    if (!lines.length) {
      const inserted: unknown[] = await manager.query(insertEntry, header);
      return inserted.length > 0;
    }
    // A close posts ~2 lines per member (~200,000): the columns travel as compact text — the few
    // accounts and vintages once each plus a number per line, member ids and amounts as
    // comma-separated lists (neither can contain a comma) — instead of arrays of quoted strings.
    // No lines are inserted when the entry exists (`entry` is then empty).
    const accounts = dictionary(lines.map((l) => l.account));
    const vintages = dictionary(lines.map((l) => l.vintage ?? null));
    const inserted: unknown[] = await manager.query(
      `WITH entry AS (${insertEntry}), lines AS (
         INSERT INTO coop_postings (entry_id, account, member_id, vintage, amount)
         SELECT entry.id, ($5::text[])[l.account], l.member_id, ($7::text[])[l.vintage], l.amount
           FROM entry, unnest(string_to_array($6, ',')::int[], string_to_array($8, ',', '')::uuid[],
                              string_to_array($9, ',')::int[], string_to_array($10, ',')::bigint[])
                WITH ORDINALITY AS l(account, member_id, vintage, amount, n)
          ORDER BY l.n
       )
       SELECT id FROM entry`,
      [
        ...header,
        accounts.values,
        accounts.codes,
        vintages.values,
        lines.map((l) => l.memberId ?? '').join(','),
        vintages.codes,
        lines.map((l) => String(l.amount)).join(','),
      ],
    );
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

/** Distinct values (first seen first) and, comma-separated, each item's 1-based index among them. */
function dictionary<T>(items: readonly T[]): { values: T[]; codes: string } {
  const index = new Map<T, number>();
  const codes = new Array<number>(items.length);
  for (let i = 0; i < items.length; i++) {
    let code = index.get(items[i]);
    if (code === undefined) index.set(items[i], (code = index.size + 1));
    codes[i] = code;
  }
  return { values: [...index.keys()], codes: codes.join(',') };
}
