import { Injectable, Logger } from '@nestjs/common';
import {
  DomainEvent,
  DomainEventBus,
  toConnection,
  toPage,
  uuidv7,
  type ConnectionArgs,
  afterCursor,
} from '@guildhall/core';
import {
  AccountStateRepository,
  activityUriOf,
  localActor,
  type AccountEntity,
  type AccountModel,
  type Actor,
} from '@guildhall/identity';
import type { EntityManager } from 'typeorm';
import { BlockRepository } from '../blocks/block.repository';
import type { IdPage } from '../paging/id-page';
import { SocialErrorCode, SocialException } from '../social.exception';
import type { AccountConnection } from './account-connection.model';
import { AccountDirectory } from './account-directory.service';
import type { FollowConnection } from './follow-connection.model';
import { FollowState, type FollowEntity } from './follow.entity';
import { toFollowEvent, toFollowModel } from './follow.mapper';
import { FollowRateLimit } from './follow-rate-limit.service';
import { FollowPageRepository } from './follow-page.repository';
import { type FollowOptions, FollowRepository } from './follow.repository';

/** +1 or -1 on both counters of an accepted follow. */
function acceptedDeltas(follow: FollowEntity, sign: 1 | -1) {
  return [
    { accountId: follow.followerId, following: sign },
    { accountId: follow.followeeId, followers: sign },
  ];
}

/** What a follow came to: `accepted`, `pending` (a request), or `blocked` (a block either way: nothing written). */
export type FollowOutcome =
  { outcome: 'accepted' | 'pending'; follow: FollowEntity } | { outcome: 'blocked'; follow: null };

/** The other account of a follow: whether it lives here decides what federation sends. */
export type FollowParty = Pick<AccountEntity, 'id' | 'domain'>;

/** A follow named by an Accept, Reject or Undo: by our id, its ActivityPub id or the pair. */
export type FollowRef = { id: string } | { uri: string } | { followerId: string; followeeId: string };

const isLocal = (account: FollowParty | Actor): boolean =>
  'kind' in account ? account.kind === 'local' : account.domain === null;

const handleOf = (account: AccountEntity) =>
  account.domain ? `${account.username}@${account.domain}` : account.username;

/**
 * Follows and follow requests. `startFollow`, `endFollow`, `acceptFollower` and `refuseFollower`
 * are the one write path for every actor (ADR 0024): a local account through GraphQL or the REST
 * API, a remote one through the inbox. Every change runs in a transaction locked on the pair of
 * accounts; counters move only when a row really changed state, and only then is an event
 * written, in that transaction. Which side is local goes into the event, for federation.
 */
@Injectable()
export class FollowService {
  private readonly logger = new Logger(FollowService.name);

  constructor(
    private readonly follows: FollowRepository,
    private readonly pages: FollowPageRepository,
    private readonly blocks: BlockRepository,
    private readonly directory: AccountDirectory,
    private readonly rateLimit: FollowRateLimit,
    private readonly events: DomainEventBus,
    private readonly accountState: AccountStateRepository,
  ) {}

  /**
   * Follows, or asks to follow; calling again returns the current state and changes nothing but
   * the `options` given (Mastodon's `reblogs` and `notify`, kept per follow).
   */
  async follow(followerId: string, handle: string, options: FollowOptions = {}): Promise<FollowEntity> {
    const target = await this.directory.resolve(handle);
    if (target.id === followerId) {
      throw new SocialException(SocialErrorCode.CannotFollowSelf, 'You cannot follow yourself');
    }
    await this.rateLimit.consume(followerId);
    const result = await this.startFollow(localActor(followerId), target, options);
    if (result.outcome === 'blocked') {
      throw new SocialException(SocialErrorCode.Blocked, 'You cannot follow this account');
    }
    return result.follow;
  }

  /** Ends a follow or withdraws a request; true when there was one. */
  async unfollow(followerId: string, handle: string): Promise<boolean> {
    const target = await this.directory.resolve(handle);
    return (await this.endFollow(localActor(followerId), target)) !== null;
  }

  /** The followee accepts a pending request; approving an accepted follow again changes nothing. */
  async approve(followeeId: string, requesterHandle: string): Promise<FollowEntity> {
    const requester = await this.directory.resolve(requesterHandle);
    const follow = await this.acceptFollower(localActor(followeeId), requester);
    if (!follow)
      throw new SocialException(SocialErrorCode.NoSuchRequest, 'No pending follow request from that account');
    return follow;
  }

  /** The followee declines a pending request; the requester may ask again later. */
  async reject(followeeId: string, requesterHandle: string): Promise<FollowEntity> {
    const requester = await this.directory.resolve(requesterHandle);
    const rejected = await this.refuseFollower(localActor(followeeId), requester, [FollowState.Pending]);
    if (rejected) return rejected;
    const existing = await this.follows.findPair(requester.id, followeeId);
    if (existing?.state === FollowState.Rejected) return existing;
    throw new SocialException(SocialErrorCode.NoSuchRequest, 'No pending follow request from that account');
  }

  /** Ends another account's accepted follow of the viewer; true when there was one. */
  async removeFollower(followeeId: string, followerHandle: string): Promise<boolean> {
    const follower = await this.directory.resolve(followerHandle);
    return (await this.refuseFollower(localActor(followeeId), follower, [FollowState.Accepted])) !== null;
  }

  /**
   * `actor` follows `target`: accepted at once when the target is local and does not approve
   * followers manually, otherwise a request (a remote account answers with Accept or Reject). A
   * follow that exists stays as it is but for the `options` given (a remote Follow's newer id is
   * recorded: an Undo names that one); a rejected one may be asked again. A block either way
   * refuses it.
   */
  async startFollow(
    actor: Actor,
    target: FollowParty & Pick<AccountEntity, 'manuallyApprovesFollowers'>,
    options: FollowOptions = {},
  ): Promise<FollowOutcome> {
    if (target.id === actor.accountId) {
      throw new SocialException(SocialErrorCode.CannotFollowSelf, 'You cannot follow yourself');
    }
    const followerId = actor.accountId;
    const uri = activityUriOf(actor, 'follow');
    const state = isLocal(target) && !target.manuallyApprovesFollowers ? FollowState.Accepted : FollowState.Pending;
    const local = { follower: isLocal(actor), followee: isLocal(target) };
    return this.follows.inPairTransaction(followerId, target.id, async (tx): Promise<FollowOutcome> => {
      if (await this.blocks.existsEitherWay(followerId, target.id, tx)) return { outcome: 'blocked', follow: null };
      const existing = await this.follows.find(tx, followerId, target.id);
      const changesOptions =
        options.showReblogs !== undefined || options.notify !== undefined || options.languages !== undefined;
      if (existing && existing.state !== FollowState.Rejected) {
        if (uri && existing.uri !== uri) await this.follows.setUri(tx, existing.id, uri);
        const current = changesOptions
          ? ((await this.follows.setOptions(tx, existing.id, options)) ?? existing)
          : existing;
        return { outcome: current.state === FollowState.Accepted ? 'accepted' : 'pending', follow: current };
      }
      let made: FollowEntity | null;
      if (existing) {
        made = await this.follows.transition(tx, followerId, target.id, [FollowState.Rejected], state);
        if (made && uri) await this.follows.setUri(tx, made.id, uri);
        if (made && changesOptions) made = await this.follows.setOptions(tx, made.id, options);
      } else {
        made = await this.follows.insert(tx, {
          id: uuidv7(),
          followerId,
          followeeId: target.id,
          state,
          uri,
          ...options,
        });
      }
      // The pair lock makes these writes succeed; a miss would mean a row we did not see.
      if (!made) throw new Error('follow row changed under the pair lock');
      if (made.state === FollowState.Accepted) await this.follows.adjustCounters(tx, acceptedDeltas(made, 1));
      // Followed, not FollowAccepted: the Accept of a remote Follow accepted at once is sent by the inbox.
      const name = made.state === FollowState.Accepted ? DomainEvent.Followed : DomainEvent.FollowRequested;
      await this.events.publish(tx, name, toFollowEvent(made, local));
      return { outcome: made.state === FollowState.Accepted ? 'accepted' : 'pending', follow: made };
    });
  }

  /** `actor` stops following `followee` (or withdraws its request); the follow that ended, or null. */
  endFollow(actor: Actor, followee: FollowParty): Promise<FollowEntity | null> {
    const local = { follower: isLocal(actor), followee: isLocal(followee) };
    return this.follows.inPairTransaction(actor.accountId, followee.id, async (tx) => {
      const states = [FollowState.Accepted, FollowState.Pending];
      const follow = await this.follows.delete(tx, actor.accountId, followee.id, states);
      if (follow?.state === FollowState.Accepted) await this.follows.adjustCounters(tx, acceptedDeltas(follow, -1));
      if (follow) await this.events.publish(tx, DomainEvent.Unfollowed, toFollowEvent(follow, local));
      return follow;
    });
  }

  /**
   * `actor` (the followee) accepts `follower`'s request: pending becomes accepted. The follow when
   * it is accepted now (accepting again changes nothing); null when there was no request.
   */
  acceptFollower(actor: Actor, follower: FollowParty): Promise<FollowEntity | null> {
    const local = { follower: isLocal(follower), followee: isLocal(actor) };
    return this.follows.inPairTransaction(follower.id, actor.accountId, async (tx) => {
      const pending = [FollowState.Pending];
      const accepted = await this.follows.transition(tx, follower.id, actor.accountId, pending, FollowState.Accepted);
      if (!accepted) {
        const existing = await this.follows.find(tx, follower.id, actor.accountId);
        return existing?.state === FollowState.Accepted ? existing : null;
      }
      await this.follows.adjustCounters(tx, acceptedDeltas(accepted, 1));
      await this.events.publish(tx, DomainEvent.Followed, toFollowEvent(accepted, local));
      await this.events.publish(tx, DomainEvent.FollowAccepted, toFollowEvent(accepted, local));
      return accepted;
    });
  }

  /**
   * `actor` (the followee) refuses `follower`: a pending request becomes REJECTED (it may ask
   * again) when `states` has PENDING, an accepted follow ends when it has ACCEPTED (a removed
   * follower; a remote Reject of an accepted follow, as Mastodon sends). `FollowRejected` either
   * way. The follow as it ended, or null when nothing matched.
   */
  refuseFollower(actor: Actor, follower: FollowParty, states: readonly FollowState[]): Promise<FollowEntity | null> {
    const local = { follower: isLocal(follower), followee: isLocal(actor) };
    return this.follows.inPairTransaction(follower.id, actor.accountId, async (tx) => {
      const rejected = states.includes(FollowState.Pending)
        ? await this.follows.transition(tx, follower.id, actor.accountId, [FollowState.Pending], FollowState.Rejected)
        : null;
      const removed =
        !rejected && states.includes(FollowState.Accepted)
          ? await this.follows.delete(tx, follower.id, actor.accountId, [FollowState.Accepted])
          : null;
      if (removed) await this.follows.adjustCounters(tx, acceptedDeltas(removed, -1));
      const ended = rejected ?? removed;
      // Federation answers with Reject{Follow} when the followee is local, as Mastodon does.
      if (ended) await this.events.publish(tx, DomainEvent.FollowRejected, toFollowEvent(ended, local));
      return ended;
    });
  }

  /** The follow an Accept, Reject or Undo names, with both of its accounts; null when none. */
  async findByRef(ref: FollowRef): Promise<{ follower: AccountEntity; followee: AccountEntity } | null> {
    const pair = 'followerId' in ref ? ref : await this.follows.findByIdOrUri(ref);
    if (!pair) return null;
    const [follower, followee] = await Promise.all([
      this.directory.byId(pair.followerId),
      this.directory.byId(pair.followeeId),
    ]);
    return follower && followee ? { follower, followee } : null;
  }

  /**
   * In the caller's transaction (a deleted remote actor's purge): every follow from or to the
   * account goes, and the counters of the accounts on the other side are recounted. How many went.
   */
  async removeAllOf(manager: EntityManager, accountId: string): Promise<number> {
    const removed = await this.follows.deleteAllOf(manager, accountId);
    const others = new Set(removed.flatMap((row) => [row.followerId, row.followeeId]));
    others.delete(accountId);
    // Locked in id order, as FollowRepository.adjustCounters does: no deadlock with a follow.
    await this.accountState.lock(manager, [...others]);
    await this.follows.recountCounters(manager, [...others]);
    return removed.length;
  }

  /**
   * In the caller's transaction (a domain purge, before it deletes `accountIds`): the local
   * accounts whose follow counters those accounts feed, locked in id order; recount them with
   * `recountFollowCounters` once the accounts are gone.
   */
  async lockLocalCounterparts(manager: EntityManager, accountIds: readonly string[]): Promise<string[]> {
    const local = await this.follows.localCounterparts(manager, accountIds);
    await this.accountState.lock(manager, local, { noKey: true });
    return local;
  }

  /**
   * In the caller's transaction: recounts the followers/following of `accountIds` (locked by the
   * caller) from their accepted follows, after a bulk removal that could not move them one by one.
   */
  recountFollowCounters(manager: EntityManager, accountIds: readonly string[]): Promise<void> {
    return this.follows.recountCounters(manager, accountIds);
  }

  /** Whether a local account follows `accountId`: its posts then concern this server. */
  hasLocalFollower(accountId: string): Promise<boolean> {
    return this.follows.hasLocalFollower(accountId);
  }

  /**
   * `from` moved to `to` (the caller checked that `to` names `from` among its aliases): recorded,
   * then every local follower of `from` follows `to` instead, as any follow (the Follow and the
   * Undo go out). A follower who cannot follow `to` (a block) keeps `from`.
   */
  async moveFollowers(from: AccountEntity, to: AccountEntity): Promise<{ moved: number; failed: number }> {
    await this.directory.markMoved(from.id, to.id);
    let moved = 0;
    let failed = 0;
    for (const followerId of await this.follows.localFollowerIds(from.id)) {
      try {
        await this.follow(followerId, handleOf(to));
        await this.unfollow(followerId, handleOf(from));
        moved += 1;
      } catch (error) {
        failed += 1;
        this.logger.warn({ msg: 'follower not moved', followerId, from: from.id, to: to.id, err: error });
      }
    }
    this.logger.log({ msg: 'account moved', from: from.id, to: to.id, moved, failed });
    return { moved, failed };
  }

  /** The viewer's incoming pending requests, newest first. */
  async requests(followeeId: string, args: ConnectionArgs): Promise<FollowConnection> {
    const rows = await this.pages.pageRequests(followeeId, afterCursor(args.after), args.first + 1);
    return toConnection(toPage(rows, args.first), toFollowModel);
  }

  /** Accounts following `accountId` (accepted), newest follow first; cursors are follow ids. */
  async followers(accountId: string, args: ConnectionArgs): Promise<AccountConnection> {
    const rows = await this.pages.pageFollowers(accountId, afterCursor(args.after), args.first + 1);
    return toConnection(toPage(rows, args.first), (row): AccountModel => this.directory.toModel(row.follower));
  }

  /** Accounts `accountId` follows (accepted), newest follow first; cursors are follow ids. */
  async following(accountId: string, args: ConnectionArgs): Promise<AccountConnection> {
    const rows = await this.pages.pageFollowing(accountId, afterCursor(args.after), args.first + 1);
    return toConnection(toPage(rows, args.first), (row): AccountModel => this.directory.toModel(row.followee));
  }

  /**
   * Accepted follows of (`followers`) or by (`following`) an account in a page of follow ids
   * (Mastodon's paging), each with the other account loaded.
   */
  acceptedPage(direction: 'followers' | 'following', accountId: string, page: IdPage): Promise<FollowEntity[]> {
    return this.pages.pageAccepted(direction, accountId, page);
  }

  /** The viewer's incoming pending requests in a page of follow ids, each with `follower` loaded. */
  requestsPage(followeeId: string, page: IdPage): Promise<FollowEntity[]> {
    return this.pages.pagePendingWithRequester(followeeId, page);
  }

  /** How many accounts wait for the viewer's approval. */
  pendingRequestCount(followeeId: string): Promise<number> {
    return this.pages.countPending(followeeId);
  }

  /** Mastodon's familiar followers: who of the accounts the viewer follows follows each of `accountIds`. */
  familiarFollows(viewerId: string, accountIds: readonly string[], limit: number): Promise<FollowEntity[]> {
    if (accountIds.length === 0) return Promise.resolve([]);
    return this.pages.familiarFollows(viewerId, accountIds, limit);
  }
}
