import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { CoopEventRepository } from './coop-event.repository';
import { CoopPaymentEntity } from './coop-payment.entity';
import { Contribution, eventId } from './contribution.types';

export type NewPayment = Pick<CoopPaymentEntity, 'id' | 'kind' | 'amountCents' | 'memo' | 'memberId'>;

/** A payment in the stewards' list: with the paying member's handle. */
export type ListedPayment = CoopPaymentEntity & { memberHandle: string | null };

export type RecordedPayment =
  | { payment: CoopPaymentEntity; created: boolean; refused?: undefined }
  /** Nothing stored: the open period's money would pass the bound; `used` is what it holds. */
  | { refused: { used: number; bound: number } };

/** Recordings of payments check the open period's totals one at a time. */
const PAYMENTS_LOCK = 'guildhall:coop-payments';

/**
 * The open period's money so far: the opening reserve, commons and loss carryforward (the last
 * close's closing balances) plus the revenue and costs recorded since that close's watermark.
 */
const OPEN_PERIOD_MONEY_SQL = `
  WITH last AS (
    SELECT result, payments_through FROM coop_periods WHERE status = 'closed' ORDER BY seq DESC LIMIT 1
  )
  SELECT (coalesce((SELECT (result->'reserve'->>'closing')::numeric + (result->'commons'->>'closing')::numeric
                           + (result->'lossCarryforward'->>'closing')::numeric FROM last), 0)
          + coalesce((SELECT sum(amount_cents) FROM coop_payments
                       WHERE seq > coalesce((SELECT payments_through FROM last), 0)), 0))::text AS used`;

@Injectable()
export class CoopPaymentRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: CoopEventRepository,
  ) {}

  /**
   * Stores the payment and, when a member paid it, its SPENT event, in one transaction. Returns
   * the stored payment: the existing one when the id was recorded before (nothing changes). A new
   * payment that would bring the open period's money (see OPEN_PERIOD_MONEY_SQL) over `bound`
   * is refused and nothing is stored; recordings take a lock for the check, so two at once
   * cannot both pass it. `onCreated` runs in the same transaction when the payment is new (the
   * steward's audit entry), so both commit or neither does.
   */
  async record(
    payment: NewPayment,
    bound: number,
    onCreated: (manager: EntityManager, payment: CoopPaymentEntity) => Promise<void> = () => Promise.resolve(),
  ): Promise<RecordedPayment> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(CoopPaymentEntity);
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [PAYMENTS_LOCK]);
      const existing = await repository.findOneBy({ id: payment.id });
      if (existing) return { payment: existing, created: false };
      const [{ used }]: { used: string }[] = await manager.query(OPEN_PERIOD_MONEY_SQL);
      if (BigInt(used) + BigInt(payment.amountCents) > BigInt(bound)) {
        return { refused: { used: Number(used), bound } };
      }
      const inserted = await repository
        .createQueryBuilder()
        .insert()
        .values(payment)
        .orIgnore()
        .returning('id')
        .execute();
      const created = (inserted.raw as unknown[]).length > 0;
      if (created && payment.memberId && payment.kind === 'revenue') {
        await this.events.record(
          {
            id: eventId.spent(payment.id),
            type: Contribution.Spent,
            memberId: payment.memberId,
            amount: payment.amountCents,
          },
          manager,
        );
      }
      const stored = await repository.findOneByOrFail({ id: payment.id });
      if (created) await onCreated(manager, stored);
      return { payment: stored, created };
    });
  }

  /** Newest first (by recording order), `limit` recorded before the payment numbered `beforeSeq`. */
  async page(beforeSeq: number | null, limit: number): Promise<ListedPayment[]> {
    const rows: (Omit<ListedPayment, 'seq' | 'amountCents'> & { seq: string; amountCents: string })[] =
      await this.dataSource.query(
        `SELECT p.id, p.seq::text AS seq, p.kind, p.amount_cents::text AS "amountCents", p.memo,
                p.member_id AS "memberId", p.occurred_at AS "occurredAt", a.username AS "memberHandle"
           FROM coop_payments p LEFT JOIN accounts a ON a.id = p.member_id
          WHERE $1::bigint IS NULL OR p.seq < $1::bigint
          ORDER BY p.seq DESC
          LIMIT $2`,
        [beforeSeq, limit],
      );
    return rows.map((row) => ({ ...row, seq: Number(row.seq), amountCents: Number(row.amountCents) }));
  }
}
