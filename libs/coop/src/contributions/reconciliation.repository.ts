import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MemberFacts } from './reconciliation.rules';

/** A coop_events row as the reconciliation compares it. */
export interface RecordedEvent {
  id: string;
  type: string;
  memberId: string | null;
  actor: string | null;
  object: string | null;
  amount: number | null;
  reverses: string | null;
}

/** Where the open period starts: the last close's watermarks and time (nothing closed: all). */
export interface OpenWindow {
  periodId: string;
  since: Date | null;
  eventsThrough: number;
  paymentsThrough: number;
}

/** The co-op's own tables as the reconciliation of contributions reads them. */
@Injectable()
export class ReconciliationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async openWindow(): Promise<OpenWindow | null> {
    const [open]: { id: string }[] = await this.dataSource.query(`SELECT id FROM coop_periods WHERE status = 'open'`);
    if (!open) return null;
    const [last]: { closedAt: Date | null; eventsThrough: string | null; paymentsThrough: string | null }[] =
      await this.dataSource.query(
        `SELECT closed_at AS "closedAt", events_through::text AS "eventsThrough",
                payments_through::text AS "paymentsThrough"
           FROM coop_periods WHERE status = 'closed' ORDER BY seq DESC LIMIT 1`,
      );
    return {
      periodId: open.id,
      since: last?.closedAt ?? null,
      eventsThrough: Number(last?.eventsThrough ?? 0),
      paymentsThrough: Number(last?.paymentsThrough ?? 0),
    };
  }

  /** The events the open period counts so far (recorded after the watermark). */
  recordedAfter(eventsThrough: number): Promise<RecordedEvent[]> {
    return this.dataSource.query(
      `SELECT id, type, member_id AS "memberId", actor, object, amount::float8 AS amount, reverses
         FROM coop_events WHERE seq > $1 ORDER BY seq`,
      [eventsThrough],
    );
  }

  /** Which of `ids` were recorded at all, in any period. */
  async recordedAmong(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id FROM coop_events WHERE id = ANY($1)`, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  /** Every membership row, with the account's username. */
  members(): Promise<MemberFacts[]> {
    return this.dataSource.query(
      `SELECT m.account_id AS "accountId", a.username, m.status, m.joined_at AS "joinedAt",
              m.withdrawn_at AS "withdrawnAt"
         FROM coop_members m JOIN accounts a ON a.id = m.account_id`,
    );
  }

  /** Revenue members paid, recorded after the watermark (each is also their SPENT). */
  memberPayments(paymentsThrough: number): Promise<{ id: string; memberId: string; amountCents: number }[]> {
    return this.dataSource.query(
      `SELECT id, member_id AS "memberId", amount_cents::float8 AS "amountCents" FROM coop_payments
        WHERE seq > $1 AND kind = 'revenue' AND member_id IS NOT NULL ORDER BY seq`,
      [paymentsThrough],
    );
  }
}
