import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('CoopMember', { description: "An account's membership of the cooperative." })
export class CoopMemberModel {
  @Field(() => ID, { description: 'The account id.' })
  accountId: string;

  @Field({ description: 'pending, active, inactive, suspended, withdrawn or expelled.' })
  status: string;

  @Field()
  appliedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it was admitted.' })
  joinedAt: Date | null;

  @Field(() => Date, { nullable: true })
  withdrawnAt: Date | null;

  @Field(() => Int, { description: 'The membership share paid in at par, in cents.' })
  sharePaidCents: number;
}
