import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { AccountModel } from '@guildhall/identity';
import { FollowState } from './follow.entity';

/** GraphQL enum values are upper case; the column keeps FollowState's lower-case values. */
export enum FollowStateValue {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  REJECTED = 'REJECTED',
}

registerEnumType(FollowStateValue, {
  name: 'FollowState',
  description: 'PENDING until the followee approves; REJECTED requests may be sent again.',
});

export const FOLLOW_STATE_VALUES: Record<FollowState, FollowStateValue> = {
  [FollowState.Pending]: FollowStateValue.PENDING,
  [FollowState.Accepted]: FollowStateValue.ACCEPTED,
  [FollowState.Rejected]: FollowStateValue.REJECTED,
};

@ObjectType('Follow', { description: 'A follow, or a request to follow, from one account to another.' })
export class FollowModel {
  @Field(() => ID)
  id: string;

  @Field(() => FollowStateValue)
  state: FollowStateValue;

  @Field(() => AccountModel)
  follower?: AccountModel;

  @Field(() => AccountModel)
  followee?: AccountModel;

  @Field()
  createdAt: Date;

  /** Resolved to accounts by field resolvers through a DataLoader. */
  followerId: string;
  followeeId: string;
}
