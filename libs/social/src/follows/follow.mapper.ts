import type { FollowEvent } from '@guildhall/core';
import type { FollowEntity } from './follow.entity';
import { FOLLOW_STATE_VALUES, type FollowModel } from './follow.model';

export function toFollowModel(follow: FollowEntity): FollowModel {
  return {
    id: follow.id,
    state: FOLLOW_STATE_VALUES[follow.state],
    createdAt: follow.createdAt,
    followerId: follow.followerId,
    followeeId: follow.followeeId,
  };
}

export function toFollowEvent(follow: FollowEntity): FollowEvent {
  return { followId: follow.id, followerId: follow.followerId, followeeId: follow.followeeId };
}
