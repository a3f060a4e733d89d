import { Injectable, Logger } from '@nestjs/common';
import { DomainEvent, DomainEventBus, uuidv7 } from '@guildhall/core';
import type { AccountEntity } from '@guildhall/identity';
import { BlockRepository } from '../blocks/block.repository';
import { FollowState, type FollowEntity } from './follow.entity';
import { toFollowEvent } from './follow.mapper';
import { FollowRepository } from './follow.repository';
import { FollowService } from './follow.service';
import { RemoteAccountRepository } from './remote-account.repository';

/** What an inbound Follow came to: answer `accepted` with Accept, `blocked` with Reject. */
export type InboundFollowOutcome =
  { outcome: 'accepted' | 'pending'; follow: FollowEntity } | { outcome: 'blocked'; follow: null };

/** A follow named by an Accept, Reject or Undo: by our id, its ActivityPub id or the pair. */
export type FollowRef = { id: string } | { uri: string } | { followerId: string; followeeId: string };

/** +1 or -1 on both counters of an accepted follow. */
function acceptedDeltas(follow: FollowEntity, sign: 1 | -1) {
  return [
    { accountId: follow.followerId, following: sign },
    { accountId: follow.followeeId, followers: sign },
  ];
}

/** A remote actor following a local account; a local account's follow of a remote one. */
const INBOUND = { follower: false, followee: true };
const OUTBOUND = { follower: true, followee: false };

const handleOf = (account: AccountEntity) =>
  account.domain ? `${account.username}@${account.domain}` : account.username;

/**
 * Follows that change over federation: a remote actor following a local account (and undoing it),
 * a remote account answering a local account's request, and a remote account moving. The same
 * pair lock, counters and events as FollowService; the activity ids make redeliveries harmless.
 */
@Injectable()
export class RemoteFollowService {
  private readonly logger = new Logger(RemoteFollowService.name);

  constructor(
    private readonly follows: FollowRepository,
    private readonly blocks: BlockRepository,
    private readonly remoteAccounts: RemoteAccountRepository,
    private readonly followService: FollowService,
    private readonly events: DomainEventBus,
  ) {}

  /**
   * A remote `Follow` of a local account (`uri` its id): accepted at once unless the account
   * approves followers manually; a follow already accepted stays so (the sender asked again, and
   * is answered again). A block either way refuses it.
   */
  async receive(follower: AccountEntity, followee: AccountEntity, uri: string): Promise<InboundFollowOutcome> {
    const result = await this.follows.inPairTransaction(follower.id, followee.id, async (tx) => {
      if (await this.blocks.existsEitherWay(follower.id, followee.id, tx)) {
        return { outcome: 'blocked', follow: null } as const;
      }
      const existing = await this.follows.find(tx, follower.id, followee.id);
      if (existing && existing.state !== FollowState.Rejected) {
        if (existing.uri !== uri) await this.follows.setUri(tx, existing.id, uri);
        const outcome = existing.state === FollowState.Accepted ? 'accepted' : 'pending';
        return { outcome, follow: existing } as const;
      }
      const state = followee.manuallyApprovesFollowers ? FollowState.Pending : FollowState.Accepted;
      let made: FollowEntity | null;
      if (existing) {
        made = await this.follows.transition(tx, follower.id, followee.id, [FollowState.Rejected], state);
        if (made) await this.follows.setUri(tx, made.id, uri);
      } else {
        made = await this.follows.insertRemote(tx, {
          id: uuidv7(),
          followerId: follower.id,
          followeeId: followee.id,
          state,
          uri,
        });
      }
      if (!made) throw new Error('follow row changed under the pair lock');
      if (made.state === FollowState.Accepted) await this.follows.adjustCounters(tx, acceptedDeltas(made, 1));
      // Followed, not FollowAccepted: the Accept of an automatic follow is sent by the inbox itself.
      const name = made.state === FollowState.Accepted ? DomainEvent.Followed : DomainEvent.FollowRequested;
      await this.events.publish(tx, name, toFollowEvent(made, INBOUND));
      const outcome = made.state === FollowState.Accepted ? 'accepted' : 'pending';
      return { outcome, follow: made } as const;
    });
    return result;
  }

  /** The remote follower's `Undo(Follow)`; true when a follow or request ended. */
  async undo(follower: AccountEntity, ref: FollowRef): Promise<boolean> {
    const follow = await this.find(ref);
    if (!follow || follow.followerId !== follower.id) return false;
    const removed = await this.follows.inPairTransaction(follow.followerId, follow.followeeId, async (tx) => {
      const gone = await this.follows.delete(tx, follow.followerId, follow.followeeId, [
        FollowState.Accepted,
        FollowState.Pending,
      ]);
      if (gone?.state === FollowState.Accepted) await this.follows.adjustCounters(tx, acceptedDeltas(gone, -1));
      if (gone) await this.events.publish(tx, DomainEvent.Unfollowed, toFollowEvent(gone, INBOUND));
      return gone;
    });
    return removed !== null;
  }

  /**
   * The remote followee's `Accept` of a local account's request: pending becomes accepted, as
   * FollowService.approve does it. Null when `followee` is not the account that was asked.
   */
  async accepted(followee: AccountEntity, ref: FollowRef): Promise<FollowEntity | null> {
    const follow = await this.find(ref);
    if (!follow || follow.followeeId !== followee.id) return null;
    return this.follows.inPairTransaction(follow.followerId, follow.followeeId, async (tx) => {
      const made = await this.follows.transition(
        tx,
        follow.followerId,
        follow.followeeId,
        [FollowState.Pending],
        FollowState.Accepted,
      );
      if (!made) return this.follows.find(tx, follow.followerId, follow.followeeId);
      await this.follows.adjustCounters(tx, acceptedDeltas(made, 1));
      await this.events.publish(tx, DomainEvent.Followed, toFollowEvent(made, OUTBOUND));
      await this.events.publish(tx, DomainEvent.FollowAccepted, toFollowEvent(made, OUTBOUND));
      return made;
    });
  }

  /**
   * The remote followee's `Reject`: a request becomes REJECTED (the local account may ask again);
   * an accepted follow ends, as Mastodon does when a follower is removed. True when either happened.
   */
  async rejected(followee: AccountEntity, ref: FollowRef): Promise<boolean> {
    const follow = await this.find(ref);
    if (!follow || follow.followeeId !== followee.id) return false;
    const ended = await this.follows.inPairTransaction(follow.followerId, follow.followeeId, async (tx) => {
      const rejected = await this.follows.transition(
        tx,
        follow.followerId,
        follow.followeeId,
        [FollowState.Pending],
        FollowState.Rejected,
      );
      const removed =
        rejected ?? (await this.follows.delete(tx, follow.followerId, follow.followeeId, [FollowState.Accepted]));
      if (!rejected && removed) await this.follows.adjustCounters(tx, acceptedDeltas(removed, -1));
      if (removed) await this.events.publish(tx, DomainEvent.FollowRejected, toFollowEvent(removed, OUTBOUND));
      return removed;
    });
    return ended !== null;
  }

  /** Whether a local account follows `accountId`: its posts then concern this server. */
  hasLocalFollower(accountId: string): Promise<boolean> {
    return this.follows.hasLocalFollower(accountId);
  }

  /**
   * `from` moved to `to` (the caller checked that `to` names `from` among its aliases): recorded,
   * then every local follower of `from` follows `to` instead, through FollowService so the Follow
   * and the Undo go out as for any follow. A follower who cannot follow `to` (a block) keeps `from`.
   */
  async move(from: AccountEntity, to: AccountEntity): Promise<{ moved: number; failed: number }> {
    await this.remoteAccounts.markMoved(from.id, to.id);
    let moved = 0;
    let failed = 0;
    for (const followerId of await this.follows.localFollowerIds(from.id)) {
      try {
        await this.followService.follow(followerId, handleOf(to));
        await this.followService.unfollow(followerId, handleOf(from));
        moved += 1;
      } catch (error) {
        failed += 1;
        this.logger.warn({ msg: 'follower not moved', followerId, from: from.id, to: to.id, err: error });
      }
    }
    this.logger.log({ msg: 'account moved', from: from.id, to: to.id, moved, failed });
    return { moved, failed };
  }

  /** The follow's pair; the caller re-reads it under the pair lock. */
  private async find(ref: FollowRef): Promise<Pick<FollowEntity, 'followerId' | 'followeeId'> | null> {
    if ('followerId' in ref) return ref;
    return this.follows.findByIdOrUri(ref);
  }
}
