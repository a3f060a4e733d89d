import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

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
}
