import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '@guildhall/core';

@ObjectType('CoopPayment', { description: "Money in or out, counted by the period's close." })
export class CoopPaymentModel {
  @Field(() => ID)
  id: string;

  @Field({ description: '`revenue` or `cost`.' })
  kind: string;

  @Field(() => Int)
  amountCents: number;

  @Field()
  memo: string;

  @Field()
  occurredAt: Date;

  @Field(() => String, { nullable: true, description: 'The paying member (revenue they paid), in the stewards list.' })
  memberHandle?: string | null;
}

export const CoopPaymentConnection = ConnectionType(CoopPaymentModel, 'CoopPayment');

@ObjectType('CoopWebhookDelivery', { description: 'One POST to the payment webhook, as the webhook log keeps it.' })
export class WebhookDeliveryModel {
  @Field(() => ID)
  id: string;

  @Field()
  receivedAt: Date;

  @Field({ description: 'The delivering address.' })
  source: string;

  @Field({ description: '`accepted` or `refused`.' })
  status: string;

  @Field(() => Int, { description: 'The HTTP status answered.' })
  httpStatus: number;

  @Field(() => String, { nullable: true, description: 'Why it was refused.' })
  reason: string | null;

  @Field(() => String, { nullable: true, description: 'The payment id it named (once its signature was good).' })
  paymentId: string | null;
}

export const WebhookDeliveryConnection = ConnectionType(WebhookDeliveryModel, 'CoopWebhookDelivery');
