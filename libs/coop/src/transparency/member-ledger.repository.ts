import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Ledger } from '../ledger/journal-entry.entity';

export interface MemberLedgerRow {
  /** The posting's id (its order in the ledger). */
  id: string;
  entryKey: string;
  ledger: Ledger;
  periodId: string | null;
  periodSeq: number | null;
  account: string;
  vintage: string | null;
  /** Debit positive, credit negative: cents on the money ledger, units on the units ledger. */
  amount: string;
  createdAt: Date;
}

type Row = {
  id: string;
  entry_key: string;
  ledger: Ledger;
  period_id: string | null;
  period_seq: number | null;
  account: string;
  vintage: string | null;
  amount: string;
  created_at: Date;
};

/** The postings of one member's accounts, for the export of their data. */
@Injectable()
export class MemberLedgerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The member's postings after `afterId` (by posting id; '0' from the first), `limit` of them. */
  async page(accountId: string, afterId: string, limit: number): Promise<MemberLedgerRow[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT p.id::text AS id, e.key AS entry_key, e.ledger, e.period_id, cp.seq AS period_seq, p.account,
              p.vintage, p.amount::text AS amount, e.created_at
         FROM coop_postings p
         JOIN coop_journal_entries e ON e.id = p.entry_id
         LEFT JOIN coop_periods cp ON cp.id = e.period_id
        WHERE p.member_id = $1 AND p.id > $2::bigint
        ORDER BY p.id
        LIMIT $3`,
      [accountId, afterId, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      entryKey: row.entry_key,
      ledger: row.ledger,
      periodId: row.period_id,
      periodSeq: row.period_seq === null ? null : Number(row.period_seq),
      account: row.account,
      vintage: row.vintage,
      amount: row.amount,
      createdAt: new Date(row.created_at),
    }));
  }
}
