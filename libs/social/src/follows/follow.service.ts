import { Injectable } from '@nestjs/common';
import {
  DomainEvent,
  DomainEventBus,
  toConnection,
  toPage,
  uuidv7,
  type ConnectionArgs,
  afterCursor,
} from '@guildhall/core';
import type { AccountModel } from '@guildhall/identity';
import { BlockRepository } from '../blocks/block.repository';
import type { IdPage } from '../paging/id-page';
import { SocialErrorCode, SocialException } from '../social.exception';
import type { AccountConnection } from './account-connection.model';
import { AccountDirectory } from './account-directory.service';
import type { FollowConnection } from './follow-connection.model';
import { FollowState, type FollowEntity } from './follow.entity';
import { toFollowEvent, toFollowModel } from './follow.mapper';
import { FollowRateLimit } from './follow-rate-limit.service';
import { FollowRepository } from './follow.repository';

/** +1 or -1 on both counters of an accepted follow. */
function acceptedDeltas(follow: FollowEntity, sign: 1 | -1) {
  return [
    { accountId: follow.followerId, following: sign },
    { accountId: follow.followeeId, followers: sign },
  ];
}

/**
 * Follows and follow requests. Every change runs in a transaction locked on the pair of accounts;
 * counters move only when a row really changed state, and only then is an event written, in that transaction.
 */
@Injectable()
export class FollowService {
  constructor(
    private readonly follows: FollowRepository,
    private readonly blocks: BlockRepository,
    private readonly directory: AccountDirectory,
    private readonly rateLimit: FollowRateLimit,
    private readonly events: DomainEventBus,
  ) {}

  /** Follows, or asks to follow; calling again returns the current state and changes nothing. */
  async follow(followerId: string, handle: string): Promise<FollowEntity> {
    const target = await this.directory.resolve(handle);
    if (target.id === followerId) {
      throw new SocialException(SocialErrorCode.CannotFollowSelf, 'You cannot follow yourself');
    }
    await this.rateLimit.consume(followerId);
    // A remote account answers with Accept or Reject; until then the follow is a request.
    const state =
      target.domain === null && !target.manuallyApprovesFollowers ? FollowState.Accepted : FollowState.Pending;
    const follow = await this.follows.inPairTransaction(followerId, target.id, async (tx) => {
      if (await this.blocks.existsEitherWay(followerId, target.id, tx)) {
        throw new SocialException(SocialErrorCode.Blocked, 'You cannot follow this account');
      }
      const existing = await this.follows.find(tx, followerId, target.id);
      if (existing && existing.state !== FollowState.Rejected) return existing;
      const made = existing
        ? await this.follows.transition(tx, followerId, target.id, [FollowState.Rejected], state)
        : await this.follows.insert(tx, { id: uuidv7(), followerId, followeeId: target.id, state });
      // The pair lock makes these writes succeed; a miss would mean a row we did not see.
      if (!made) throw new Error('follow row changed under the pair lock');
      if (made.state === FollowState.Accepted) await this.follows.adjustCounters(tx, acceptedDeltas(made, 1));
      const name = made.state === FollowState.Accepted ? DomainEvent.Followed : DomainEvent.FollowRequested;
      await this.events.publish(tx, name, toFollowEvent(made, { follower: true, followee: target.domain === null }));
      return made;
    });
    return follow;
  }

  /** Ends a follow or withdraws a request; true when there was one. */
  async unfollow(followerId: string, handle: string): Promise<boolean> {
    const target = await this.directory.resolve(handle);
    const removed = await this.follows.inPairTransaction(followerId, target.id, async (tx) => {
      const follow = await this.follows.delete(tx, followerId, target.id, [FollowState.Accepted, FollowState.Pending]);
      if (follow?.state === FollowState.Accepted) await this.follows.adjustCounters(tx, acceptedDeltas(follow, -1));
      if (follow) {
        const local = { follower: true, followee: target.domain === null };
        await this.events.publish(tx, DomainEvent.Unfollowed, toFollowEvent(follow, local));
      }
      return follow;
    });
    return removed !== null;
  }

  /** The followee accepts a pending request; approving an accepted follow again changes nothing. */
  async approve(followeeId: string, requesterHandle: string): Promise<FollowEntity> {
    const requester = await this.directory.resolve(requesterHandle);
    return this.follows.inPairTransaction(requester.id, followeeId, async (tx) => {
      const accepted = await this.follows.transition(
        tx,
        requester.id,
        followeeId,
        [FollowState.Pending],
        FollowState.Accepted,
      );
      if (accepted) {
        await this.follows.adjustCounters(tx, acceptedDeltas(accepted, 1));
        const local = { follower: requester.domain === null, followee: true };
        await this.events.publish(tx, DomainEvent.Followed, toFollowEvent(accepted, local));
        await this.events.publish(tx, DomainEvent.FollowAccepted, toFollowEvent(accepted, local));
        return accepted;
      }
      const existing = await this.follows.find(tx, requester.id, followeeId);
      if (existing?.state === FollowState.Accepted) return existing;
      throw new SocialException(SocialErrorCode.NoSuchRequest, 'No pending follow request from that account');
    });
  }

  /** The followee declines a pending request; the requester may ask again later. */
  async reject(followeeId: string, requesterHandle: string): Promise<FollowEntity> {
    const requester = await this.directory.resolve(requesterHandle);
    return this.follows.inPairTransaction(requester.id, followeeId, async (tx) => {
      const rejected = await this.follows.transition(
        tx,
        requester.id,
        followeeId,
        [FollowState.Pending],
        FollowState.Rejected,
      );
      if (rejected) {
        const local = { follower: requester.domain === null, followee: true };
        await this.events.publish(tx, DomainEvent.FollowRejected, toFollowEvent(rejected, local));
        return rejected;
      }
      const existing = await this.follows.find(tx, requester.id, followeeId);
      if (existing?.state === FollowState.Rejected) return existing;
      throw new SocialException(SocialErrorCode.NoSuchRequest, 'No pending follow request from that account');
    });
  }

  /** Ends another account's accepted follow of the viewer; true when there was one. */
  async removeFollower(followeeId: string, followerHandle: string): Promise<boolean> {
    const follower = await this.directory.resolve(followerHandle);
    const removed = await this.follows.inPairTransaction(follower.id, followeeId, async (tx) => {
      const follow = await this.follows.delete(tx, follower.id, followeeId, [FollowState.Accepted]);
      if (follow) {
        await this.follows.adjustCounters(tx, acceptedDeltas(follow, -1));
        // Federation answers a removed follower with Reject{Follow}, as Mastodon does.
        const local = { follower: follower.domain === null, followee: true };
        await this.events.publish(tx, DomainEvent.FollowRejected, toFollowEvent(follow, local));
      }
      return follow;
    });
    return removed !== null;
  }

  /** The viewer's incoming pending requests, newest first. */
  async requests(followeeId: string, args: ConnectionArgs): Promise<FollowConnection> {
    const rows = await this.follows.pageRequests(followeeId, afterCursor(args.after), args.first + 1);
    return toConnection(toPage(rows, args.first), toFollowModel);
  }

  /** Accounts following `accountId` (accepted), newest follow first; cursors are follow ids. */
  async followers(accountId: string, args: ConnectionArgs): Promise<AccountConnection> {
    const rows = await this.follows.pageFollowers(accountId, afterCursor(args.after), args.first + 1);
    return toConnection(toPage(rows, args.first), (row): AccountModel => this.directory.toModel(row.follower));
  }

  /** Accounts `accountId` follows (accepted), newest follow first; cursors are follow ids. */
  async following(accountId: string, args: ConnectionArgs): Promise<AccountConnection> {
    const rows = await this.follows.pageFollowing(accountId, afterCursor(args.after), args.first + 1);
    return toConnection(toPage(rows, args.first), (row): AccountModel => this.directory.toModel(row.followee));
  }

  /**
   * Accepted follows of (`followers`) or by (`following`) an account in a page of follow ids
   * (Mastodon's paging), each with the other account loaded.
   */
  acceptedPage(direction: 'followers' | 'following', accountId: string, page: IdPage): Promise<FollowEntity[]> {
    return this.follows.pageAccepted(direction, accountId, page);
  }

  /** The viewer's incoming pending requests in a page of follow ids, each with `follower` loaded. */
  requestsPage(followeeId: string, page: IdPage): Promise<FollowEntity[]> {
    return this.follows.pagePendingWithRequester(followeeId, page);
  }

  /** How many accounts wait for the viewer's approval. */
  pendingRequestCount(followeeId: string): Promise<number> {
    return this.follows.countPending(followeeId);
  }

  /** Mastodon's familiar followers: who of the accounts the viewer follows follows each of `accountIds`. */
  familiarFollows(viewerId: string, accountIds: readonly string[], limit: number): Promise<FollowEntity[]> {
    if (accountIds.length === 0) return Promise.resolve([]);
    return this.follows.familiarFollows(viewerId, accountIds, limit);
  }
}
