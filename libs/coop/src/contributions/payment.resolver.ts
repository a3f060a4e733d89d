import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Role, Roles } from '@guildhall/identity';
import type { CoopPaymentEntity } from './coop-payment.entity';
import { CoopPaymentModel } from './coop-payment.model';
import { RecordPaymentInput } from './dto/record-payment.input';
import { PaymentService } from './payment.service';

const toModel = (p: CoopPaymentEntity): CoopPaymentModel => ({
  id: p.id,
  kind: p.kind,
  amountCents: p.amountCents,
  memo: p.memo,
  occurredAt: p.occurredAt,
});

/** Admins record money in and out by hand (the webhook does it for a payment provider). */
@Resolver(() => CoopPaymentModel)
export class PaymentResolver {
  constructor(private readonly payments: PaymentService) {}

  @Roles(Role.Admin)
  @Mutation(() => CoopPaymentModel, { description: 'Records revenue; with memberHandle also their SPENT.' })
  async recordRevenue(@Args('input') input: RecordPaymentInput): Promise<CoopPaymentModel> {
    return toModel(await this.payments.record({ ...input, id: input.paymentId, kind: 'revenue' }));
  }

  @Roles(Role.Admin)
  @Mutation(() => CoopPaymentModel, { description: 'Records a cost of running the platform.' })
  async recordCost(@Args('input') input: RecordPaymentInput): Promise<CoopPaymentModel> {
    return toModel(await this.payments.record({ ...input, id: input.paymentId, kind: 'cost' }));
  }
}
