import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CoopEventRepository } from './coop-event.repository';
import { CoopPaymentEntity } from './coop-payment.entity';
import { Contribution, eventId } from './contribution.types';

export type NewPayment = Pick<CoopPaymentEntity, 'id' | 'kind' | 'amountCents' | 'memo' | 'memberId'>;

@Injectable()
export class CoopPaymentRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: CoopEventRepository,
  ) {}

  /**
   * Stores the payment and, when a member paid it, its SPENT event, in one transaction. Returns
   * the stored payment: the existing one when the id was recorded before (nothing changes).
   */
  async record(payment: NewPayment): Promise<{ payment: CoopPaymentEntity; created: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(CoopPaymentEntity);
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
