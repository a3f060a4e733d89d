import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ConnectionArgs, type Connection, toConnection } from '@guildhall/core';
import { CurrentAuth, Role, Roles, type AuthContext } from '@guildhall/identity';
import type { CoopPaymentEntity } from './coop-payment.entity';
import {
  CoopPaymentConnection,
  CoopPaymentModel,
  WebhookDeliveryConnection,
  type WebhookDeliveryModel,
} from './coop-payment.model';
import { RecordPaymentInput } from './dto/record-payment.input';
import { PaymentService } from './payment.service';

const toModel = (p: CoopPaymentEntity & { memberHandle?: string | null }): CoopPaymentModel => ({
  id: p.id,
  kind: p.kind,
  amountCents: p.amountCents,
  memo: p.memo,
  occurredAt: p.occurredAt,
  memberHandle: p.memberHandle ?? null,
});

/**
 * Admins record money in and out by hand (audit-logged; the webhook does it for a payment
 * provider); stewards read the payments and the webhook log.
 */
@Resolver(() => CoopPaymentModel)
export class PaymentResolver {
  constructor(private readonly payments: PaymentService) {}

  @Roles(Role.Admin)
  @Mutation(() => CoopPaymentModel, { description: 'Records revenue; with memberHandle also their SPENT.' })
  async recordRevenue(
    @CurrentAuth() auth: AuthContext,
    @Args('input') input: RecordPaymentInput,
  ): Promise<CoopPaymentModel> {
    return toModel(await this.payments.record({ ...input, id: input.paymentId, kind: 'revenue' }, auth.accountId));
  }

  @Roles(Role.Admin)
  @Mutation(() => CoopPaymentModel, { description: 'Records a cost of running the platform.' })
  async recordCost(
    @CurrentAuth() auth: AuthContext,
    @Args('input') input: RecordPaymentInput,
  ): Promise<CoopPaymentModel> {
    return toModel(await this.payments.record({ ...input, id: input.paymentId, kind: 'cost' }, auth.accountId));
  }

  @Roles(Role.Moderator, Role.Admin)
  @Query(() => CoopPaymentConnection, { description: 'Payments recorded, newest first; for stewards.' })
  async coopPayments(@Args() args: ConnectionArgs): Promise<Connection<CoopPaymentModel>> {
    const page = await this.payments.recent(args.first, args.after);
    const edges = page.items.map((payment) => ({ cursor: page.cursorOf(payment), node: toModel(payment) }));
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  @Roles(Role.Moderator, Role.Admin)
  @Query(() => WebhookDeliveryConnection, {
    description: 'The payment webhook log (the newest 1,000 deliveries), newest first; for stewards.',
  })
  async coopWebhookDeliveries(@Args() args: ConnectionArgs): Promise<Connection<WebhookDeliveryModel>> {
    return toConnection(await this.payments.webhookDeliveries(args.first, args.after), (delivery) => ({ ...delivery }));
  }
}
