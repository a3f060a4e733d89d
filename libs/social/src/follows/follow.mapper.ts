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

/**
 * `local`: which side of the follow lives on this server. Federation acts only on events that say
 * so (a local account's follow of a remote one, a local account's answer to a remote request).
 */
export function toFollowEvent(follow: FollowEntity, local?: { follower: boolean; followee: boolean }): FollowEvent {
  const event: FollowEvent = { followId: follow.id, followerId: follow.followerId, followeeId: follow.followeeId };
  if (!local) return event;
  return { ...event, followerLocal: local.follower, followeeLocal: local.followee, uri: follow.uri };
}
