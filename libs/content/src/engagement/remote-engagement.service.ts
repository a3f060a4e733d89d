import { Injectable, Logger } from '@nestjs/common';
import { DomainEvent, DomainEventBus, uuidv7 } from '@guildhall/core';
import type { EntityManager } from 'typeorm';
import { type PostEntity, Visibility } from '../posts/post.entity';
import { PostRepository } from '../posts/post.repository';
import { type Counter, EngagementRepository } from './engagement.repository';

/** Only posts everyone may see can be boosted (EngagementService's rule). */
const BOOSTABLE = new Set<Visibility>([Visibility.Public, Visibility.Unlisted]);

type EngagementEventName =
  | typeof DomainEvent.PostLiked
  | typeof DomainEvent.PostUnliked
  | typeof DomainEvent.PostBoosted
  | typeof DomainEvent.PostUnboosted;

const DELTAS: Record<EngagementEventName, 1 | -1> = {
  [DomainEvent.PostLiked]: 1,
  [DomainEvent.PostUnliked]: -1,
  [DomainEvent.PostBoosted]: 1,
  [DomainEvent.PostUnboosted]: -1,
};

/** An Undo names the like or boost by its ActivityPub id, or (embedded) by the post it was of. */
export type EngagementRef = { uri: string } | { postId: string };

/**
 * Likes and boosts by remote accounts (`Like`, `Announce` and their `Undo`), counted and announced
 * exactly as EngagementService does for local ones. The caller has checked that the remote
 * account may see the post; every write is idempotent on the activity's id.
 */
@Injectable()
export class RemoteEngagementService {
  private readonly logger = new Logger(RemoteEngagementService.name);

  constructor(
    private readonly engagement: EngagementRepository,
    private readonly posts: PostRepository,
    private readonly events: DomainEventBus,
  ) {}

  /** True when the like is new. */
  like(accountId: string, post: PostEntity, uri: string): Promise<boolean> {
    return this.change(accountId, post, DomainEvent.PostLiked, 'likes_count', (manager) =>
      this.engagement.insertRemoteLike(manager, { id: uuidv7(), accountId, postId: post.id, uri }),
    );
  }

  /** True when a like was removed. */
  async unlike(accountId: string, ref: EngagementRef): Promise<boolean> {
    const postId = 'uri' in ref ? (await this.engagement.findLikeByUri(ref.uri, accountId))?.postId : ref.postId;
    const target = postId ? await this.posts.findById(postId) : null;
    if (!target) return false;
    return this.change(accountId, target, DomainEvent.PostUnliked, 'likes_count', (manager) =>
      this.engagement.deleteLike(manager, accountId, target.id),
    );
  }

  /** True when the boost is new; false for a post that cannot be boosted or a boost already made. */
  boost(accountId: string, post: PostEntity, uri: string, visibility: Visibility): Promise<boolean> {
    if (!BOOSTABLE.has(post.visibility) || post.boostOfId) return Promise.resolve(false);
    return this.change(accountId, post, DomainEvent.PostBoosted, 'boosts_count', (manager) =>
      this.engagement.insertRemoteBoost(manager, { id: uuidv7(), accountId, boostOfId: post.id, visibility, uri }),
    );
  }

  /** True when a live boost was removed. */
  async unboost(accountId: string, ref: EngagementRef): Promise<boolean> {
    const postId = 'uri' in ref ? (await this.engagement.findBoostByUri(ref.uri, accountId))?.boostOfId : ref.postId;
    const target = postId ? await this.posts.findById(postId) : null;
    if (!target) return false;
    return this.change(accountId, target, DomainEvent.PostUnboosted, 'boosts_count', (manager) =>
      this.engagement.tombstoneBoost(manager, accountId, target.id),
    );
  }

  /** Whether `uri` is a like (or a live boost) that `accountId` made: an Undo's bare object. */
  async kindOf(uri: string, accountId: string): Promise<'like' | 'boost' | null> {
    if (await this.engagement.findLikeByUri(uri, accountId)) return 'like';
    if (await this.engagement.findBoostByUri(uri, accountId)) return 'boost';
    return null;
  }

  /** EngagementService.change for a remote account: lock, write, count only when a row changed, event. */
  private async change(
    accountId: string,
    post: PostEntity,
    event: EngagementEventName,
    counter: Counter,
    write: (manager: EntityManager) => Promise<string | null>,
  ): Promise<boolean> {
    const engagementId = await this.engagement.transaction(async (manager) => {
      // Unlike/unboost of a deleted post still removes the row; a new like or boost needs it live.
      const live = await this.engagement.lockLivePost(manager, post.id);
      if (!live && DELTAS[event] === 1) return null;
      const changedId = await write(manager);
      if (!changedId) return null;
      if (live) await this.engagement.adjustCount(manager, post.id, counter, DELTAS[event]);
      await this.events.publish(manager, event, {
        engagementId: changedId,
        postId: post.id,
        postAuthorId: post.accountId,
        accountId,
        accountLocal: false,
        postLocal: post.local,
      });
      return changedId;
    });
    if (!engagementId) return false;
    this.logger.debug({ msg: event, postId: post.id, accountId, engagementId });
    return true;
  }
}
