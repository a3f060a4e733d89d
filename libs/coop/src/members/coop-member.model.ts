import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '@guildhall/core';

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

@ObjectType('CoopMemberListing', { description: "A membership in the stewards' list, with its handle and units." })
export class CoopMemberListingModel {
  @Field(() => ID, { description: 'The account id.' })
  accountId: string;

  @Field({ description: 'The local handle (username).' })
  handle: string;

  @Field({ description: 'pending, active, inactive, suspended, withdrawn or expelled.' })
  status: string;

  @Field()
  appliedAt: Date;

  @Field(() => Date, { nullable: true })
  joinedAt: Date | null;

  @Field(() => Float, { description: 'Vested units held.' })
  vested: number;

  @Field(() => Float, { description: 'Issued units that vest in a later close.' })
  unvested: number;
}

export const CoopMemberListingConnection = ConnectionType(CoopMemberListingModel, 'CoopMemberListing');
