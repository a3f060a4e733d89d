import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CoopEventRepository } from './coop-event.repository';
import { CoopPaymentEntity } from './coop-payment.entity';
import { Contribution, eventId } from './contribution.types';

export type NewPayment = Pick<CoopPaymentEntity, 'id' | 'kind' | 'amountCents' | 'memo' | 'memberId'>;

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
   * cannot both pass it.
   */
  async record(payment: NewPayment, bound: number): Promise<RecordedPayment> {
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
      return { payment: await repository.findOneByOrFail({ id: payment.id }), created };
    });
  }
}
